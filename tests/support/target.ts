import net from 'node:net';

/** Something that proxies like nginx: real nginx, or our balancer. */
export interface ProxyTarget {
  readonly name: string;
  /** Starts a proxy for a complete nginx.conf text (its `listen` holds a real, free port). */
  start(configText: string): Promise<RunningProxy>;
}

export interface RunningProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Diagnostics to print when a scenario fails (nginx: its error log). */
  diagnostics(): Promise<string>;
}

/** A port that was free a moment ago. Callers retry if it got taken in between. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitForPort(
  port: number,
  {
    host = '127.0.0.1',
    timeoutMs = 5000,
    abort,
  }: { host?: string; timeoutMs?: number; abort?: () => string | undefined } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const aborted = abort?.();
    if (aborted) throw new Error(aborted);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
