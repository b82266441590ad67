import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxBinary } from './prerequisites';
import type { ProxyTarget, RunningProxy } from './target';
import { waitForPort } from './target';

/**
 * A real nginx for one config: a fresh process in a temp prefix, in the foreground, with one
 * process (`master_process off`) so the balancer state lives in exactly one place, as with
 * `worker_processes 1`. Everything it writes stays in the temp dir.
 */
export interface NginxInstance extends RunningProxy {
  errorLog(): Promise<string>;
}

/** The port of the config's (first) `listen 127.0.0.1:PORT`. */
export function listenPort(configText: string): number {
  const port = /\blisten\s+(?:127\.0\.0\.1:)?(\d+)/.exec(configText)?.[1];
  if (port === undefined) throw new Error('config has no "listen 127.0.0.1:PORT"');
  return Number(port);
}

export async function startNginx(configText: string, binary = nginxBinary()): Promise<NginxInstance> {
  if (!binary) throw new Error('nginx is not installed');
  const port = listenPort(configText);
  const dir = await mkdtemp(join(tmpdir(), 'upstream-lab-nginx-'));
  const errorLogPath = join(dir, 'error.log');
  // Keep temp files and logs out of /var: prepend them to the http block.
  const local = [
    'access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (kind) => `${kind}_temp_path ${join(dir, kind)};`,
    ),
  ].join(' ');
  const conf = configText.replace(/\bhttp\s*\{/, (open) => `${open}\n    ${local}`);
  const confPath = join(dir, 'nginx.conf');
  await writeFile(confPath, conf);
  const globals = `daemon off; master_process off; pid ${join(dir, 'nginx.pid')}; error_log ${errorLogPath} info;`;
  const child = spawn(binary, ['-p', dir, '-c', confPath, '-e', errorLogPath, '-g', globals], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    });
    child.on('error', (err) => {
      stderr += String(err);
      exitCode = -1;
      resolve();
    });
  });
  const errorLog = async (): Promise<string> => readFile(errorLogPath, 'utf8').catch(() => '');
  const stop = async (): Promise<void> => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, {
      abort: () => (exitCode === undefined ? undefined : `nginx exited (${exitCode}): ${stderr.trim()}`),
    });
  } catch (err) {
    const log = await errorLog();
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`, { cause: err });
  }
  return { url: `http://127.0.0.1:${port}`, port, stop, errorLog, diagnostics: errorLog };
}

export const nginxTarget: ProxyTarget = { name: 'nginx', start: (configText) => startNginx(configText) };
