import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sendRaw } from '../support/client';
import { startNginx } from '../support/nginx';
import { ours } from '../support/ours';
import { freePort } from '../support/target';

/** A conf with `{LOGS}` for the log directory and `{PORT}` for the listen port. */
export type LogConf = string;

export interface LogRun {
  read(file: string): Promise<string>;
}

/**
 * Runs `conf` on real nginx, then on ours (one after the other, so connection numbers line up),
 * sends the same raw requests in order, and returns each one's log directory reader.
 */
export async function runBoth(conf: LogConf, requests: string[]): Promise<{ nginx: LogRun; ours: LogRun }> {
  const nginx = await runOne('nginx', conf, requests);
  const mine = await runOne('ours', conf, requests);
  return { nginx, ours: mine };
}

const dirs: string[] = [];

export async function removeLogDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

async function runOne(target: 'nginx' | 'ours', conf: LogConf, requests: string[]): Promise<LogRun> {
  const dir = await mkdtemp(join(tmpdir(), `upstream-lab-logs-${target}-`));
  dirs.push(dir);
  const port = await freePort();
  const text = conf.replaceAll('{LOGS}', dir).replaceAll('{PORT}', String(port));
  const proxy = target === 'nginx' ? await startNginx(text) : await ours.start(text);
  try {
    // What the client makes of the answer does not matter here (a HEAD's error page has no body).
    for (const request of requests)
      await sendRaw({ port: proxy.port, request, timeoutMs: 5000 }).catch(() => undefined);
    // Buffered lines (buffer=, flush=) are written when the log closes, as nginx does at exit.
    await delay(50);
  } finally {
    await proxy.stop().catch(() => undefined);
  }
  return { read: (file) => readFile(join(dir, file), 'latin1').catch(() => '') };
}

/** Access log lines with `[$time_local]` and `$msec` masked. */
export function normalizeAccess(text: string): string[] {
  return lines(text).map((line) =>
    line
      .replace(/\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]/g, '[TIME]')
      .replace(/\b\d{10}\.\d{3}\b/g, 'MSEC'),
  );
}

/** `[error]` lines of an error log with the time, the pid and the connection number masked. */
export function normalizeErrors(text: string): string[] {
  return lines(text)
    .filter((line) => line.includes(' [error] '))
    .map((line) =>
      line.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d/, 'TIME').replace(/\] \d+#\d+: \*\d+ /, '] PID#0: *N '),
    );
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}
