import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './target';

/**
 * Where the labs these processes save go, unless a test gives its own: one folder per test
 * process, never the user's own (a lab saved by one run would be restored by the next).
 */
const STATE_HOME =
  process.env['UPSTREAM_LAB_HOME'] ?? mkdtempSync(join(tmpdir(), 'upstream-lab-test-state-'));

const ROOT = resolve(import.meta.dirname, '../..');

export interface LabProcess {
  /** `http://127.0.0.1:PORT/?token=...`: the page to open. */
  dashboardUrl: string;
  /** `http://127.0.0.1:PORT`: the balancer. */
  balancerUrl: string;
  /** Everything the CLI printed so far (stdout and stderr). */
  output(): string;
  /**
   * SIGINT, as Ctrl-C; waits for the CLI to remove its lab and exit (SIGKILL after `stopTimeoutMs`).
   * Resolves with how it ended; `forced` when it had to be killed.
   */
  stop(): Promise<LabExit>;
}

export interface LabExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  forced: boolean;
}

export interface LabOptions {
  lab?: string;
  /** `demo` (default): built-in backends in the CLI's process; `docker`: the sample Django image. */
  runtime?: 'demo' | 'docker';
  replicas?: number;
  /**
   * Startup budget: the first run may rebuild the renderer; Docker builds the image and starts
   * the replicas. Default 90 s (demo), 120 s (docker).
   */
  timeoutMs?: number;
  /** How long SIGINT may take before SIGKILL. Default 15 s (demo), 60 s (docker: it removes containers). */
  stopTimeoutMs?: number;
  /** A project folder (--project): its compose file and Dockerfile instead of the sample. */
  project?: string;
  /** --failure-detection (default nginx, the app's default). */
  failureDetection?: 'nginx' | 'engine';
  /** Extra environment for the CLI (e.g. a DOCKER_HOST that is not there). */
  env?: Record<string, string>;
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
 * `upstream-lab up --runtime demo|docker --dashboard ...` as a child process on free ports: resolves
 * once the dashboard URL and the balancer's `listening on` line (the first replica serving) are printed.
 */
export async function startLab(options: LabOptions = {}): Promise<LabProcess> {
  const runtime = options.runtime ?? 'demo';
  const timeoutMs = options.timeoutMs ?? (runtime === 'docker' ? 120_000 : 90_000);
  const stopTimeoutMs = options.stopTimeoutMs ?? (runtime === 'docker' ? 60_000 : 15_000);
  const [listen, dashboard] = [await freePort(), await freePort()];
  const args = [
    resolve(ROOT, 'bin/upstream-lab.mjs'),
    'up',
    '--runtime',
    runtime,
    '--lab',
    options.lab ?? 'e2e',
    '--listen',
    `127.0.0.1:${listen}`,
    '--dashboard',
    `127.0.0.1:${dashboard}`,
    // The access log would only fill the pipe: the page shows it.
    '--quiet',
    ...(options.replicas ? ['--replicas', String(options.replicas)] : []),
    ...(options.project ? ['--project', options.project] : []),
    // Always said: a lab's saved settings would otherwise carry one spec's choice into the next.
    '--failure-detection',
    options.failureDetection ?? 'nginx',
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Never a request off this machine: every registry and package index counts as unreachable.
    env: { ...process.env, UPSTREAM_LAB_HOME: STATE_HOME, UPSTREAM_LAB_PROBE: 'unreachable', ...options.env },
  });
  let output = '';
  let dashboardUrl: string | undefined;
  let balancerUrl: string | undefined;

  const ready = new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`the lab did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      dashboardUrl ??= /^dashboard: (http\S+)$/m.exec(output)?.[1];
      balancerUrl ??= /^listening on (http\S+)$/m.exec(output)?.[1];
      if (dashboardUrl && balancerUrl) {
        clearTimeout(timer);
        done();
      } else if (/^error: /m.test(output)) {
        // With a dashboard, `up` stays running when the lab fails to start: no point waiting.
        clearTimeout(timer);
        fail(new Error(`the lab failed to start:\n${output}`));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`upstream-lab up exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });

  let forced = false;
  const exit = (): LabExit => ({ code: child.exitCode, signal: child.signalCode, forced });
  const stop = async (): Promise<LabExit> => {
    if (child.exitCode !== null || child.signalCode !== null) return exit();
    child.kill('SIGINT');
    if (!(await waitForExit(child, stopTimeoutMs))) {
      forced = true;
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
    }
    return exit();
  };

  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return { dashboardUrl: dashboardUrl!, balancerUrl: balancerUrl!, output: () => output, stop };
}
