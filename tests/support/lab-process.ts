import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface LabProcess {
  /** `http://127.0.0.1:PORT/?token=...`: the page to open. */
  dashboardUrl: string;
  /** `http://127.0.0.1:PORT`: the balancer. */
  balancerUrl: string;
  /** Everything the CLI printed so far (stdout and stderr). */
  output(): string;
  /** SIGINT, as Ctrl-C; waits for the CLI to remove its lab and exit. */
  stop(): Promise<void>;
}

export interface LabOptions {
  lab?: string;
  replicas?: number;
  /** Startup budget: the first run may rebuild the renderer. */
  timeoutMs?: number;
  /** Extra environment for the CLI (e.g. a DOCKER_HOST that is not there). */
  env?: Record<string, string>;
}

/** A free TCP port on loopback (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/**
 * `upstream-lab up --runtime demo --dashboard ...` as a child process on free ports: resolves once
 * the dashboard URL and the balancer's `listening on` line are printed.
 */
export async function startLab(options: LabOptions = {}): Promise<LabProcess> {
  const [listen, dashboard] = [await freePort(), await freePort()];
  const args = [
    resolve(ROOT, 'bin/upstream-lab.mjs'),
    'up',
    '--runtime',
    'demo',
    '--lab',
    options.lab ?? 'e2e',
    '--listen',
    `127.0.0.1:${listen}`,
    '--dashboard',
    `127.0.0.1:${dashboard}`,
    // The access log would only fill the pipe: the page shows it.
    '--quiet',
    ...(options.replicas ? ['--replicas', String(options.replicas)] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let output = '';
  let dashboardUrl: string | undefined;
  let balancerUrl: string | undefined;

  const ready = new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`the lab did not start within ${options.timeoutMs ?? 90_000} ms:\n${output}`)),
      options.timeoutMs ?? 90_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      dashboardUrl ??= /^dashboard: (http\S+)$/m.exec(output)?.[1];
      balancerUrl ??= /^listening on (http\S+)$/m.exec(output)?.[1];
      if (dashboardUrl && balancerUrl) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`upstream-lab up exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    if (!(await waitForExit(child, 15_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
    }
  };

  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return { dashboardUrl: dashboardUrl!, balancerUrl: balancerUrl!, output: () => output, stop };
}
