import { request } from 'node:http';

/**
 * When a replica counts as ready. `any-answer`: TCP, then GET `path` answered below 500 (a 404
 * or a 400 from ALLOWED_HOSTS is an app that runs); `success`: 2xx or 3xx, for a health path
 * the user chose.
 */
export type ReadyRule = 'any-answer' | 'success';

export interface ProbeOptions {
  host: string;
  port: number;
  path?: string;
  rule?: ReadyRule;
  intervalMs?: number;
  /** Before the first attempt: a process that just started cannot answer yet. */
  initialDelayMs?: number;
  timeoutMs?: number;
  /** Per attempt. */
  attemptTimeoutMs?: number;
  signal?: AbortSignal;
}

/** One GET; resolves with the status code. */
export function probeOnce(host: string, port: number, path: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls GET `path` until it answers as `rule` wants. Docker's port proxy accepts connections before
 * the app listens, so resets and empty replies just mean "not yet". Resolves true when ready,
 * false when aborted; rejects after `timeoutMs` with the last failure.
 */
export async function waitReady(options: ProbeOptions): Promise<boolean> {
  const {
    host,
    port,
    path = '/',
    rule = 'any-answer',
    intervalMs = 50,
    initialDelayMs = 0,
    timeoutMs = 60_000,
    attemptTimeoutMs = 1000,
    signal,
  } = options;
  const deadline = Date.now() + timeoutMs;
  let last: string;
  if (initialDelayMs > 0) await sleep(initialDelayMs, signal);
  for (;;) {
    if (signal?.aborted) return false;
    try {
      const status = await probeOnce(host, port, path, attemptTimeoutMs);
      if (rule === 'any-answer' ? status > 0 && status < 500 : status >= 200 && status < 400) return true;
      last = `HTTP ${status}`;
    } catch (error) {
      last = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
    if (Date.now() + intervalMs > deadline) {
      throw new Error(
        `http://${host}:${port}${path} not ready after ${Math.round(timeoutMs / 1000)} s (last: ${last})`,
      );
    }
    await sleep(intervalMs, signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
