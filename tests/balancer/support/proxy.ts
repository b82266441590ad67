import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Balancer, type BalancerOptions } from '../../../core/balancer';
import type { ProxyConfig } from '../../../core/balancer/config';
import { parseNginxConfig } from '../../../core/nginx';
import { freePort } from '../../support/target';

export { freePort } from '../../support/target';

// ---- cleanup ------------------------------------------------------------------------------

const cleanups: Array<() => unknown> = [];

/** Registers something to close after the current test (run in reverse order by `runCleanups`). */
export function defer(fn: () => unknown): void {
  cleanups.push(fn);
}

/** For `afterEach`: closes everything `defer`red, last first. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch {
      // closing a half-broken fixture must not hide the test's own failure
    }
  }
}

// ---- config and balancer ------------------------------------------------------------------

export interface ConfParts {
  /** The body of `upstream backend { ... }`. */
  upstream: string;
  /** Extra directives inside `location / { ... }` (after proxy_pass and the two add_header lines). */
  location?: string;
  /** Extra directives inside `server { ... }`. */
  server?: string;
}

/** A complete nginx.conf: `upstream backend`, one server on 127.0.0.1:`port`, `location /` proxying to it. */
export function nginxConf(port: number, parts: ConfParts): string {
  return `
events {}
http {
  upstream backend {
${parts.upstream}
  }
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
${parts.server ?? ''}
    location / {
      proxy_pass http://backend;
      add_header X-Up-Addr $upstream_addr always;
      add_header X-Up-Status $upstream_status always;
${parts.location ?? ''}
    }
  }
}
`;
}

/** `server ADDR PARAMS;` lines for the given addresses. */
export function serverLines(addrs: ReadonlyArray<string | { addr: string }>, params = ''): string {
  return addrs.map((a) => `    server ${typeof a === 'string' ? a : a.addr} ${params};`).join('\n');
}

export interface RunningProxy {
  balancer: Balancer;
  config: ProxyConfig;
  port: number;
  url(path?: string): string;
}

/**
 * Parses the config (built by `nginxConf` on a free port), lets `edit` change the ProxyConfig,
 * then starts a Balancer; it is closed after the test.
 */
export async function startProxy(
  parts: ConfParts,
  edit?: (config: ProxyConfig) => void,
  options?: BalancerOptions,
): Promise<RunningProxy> {
  const port = await freePort();
  const { config } = parseNginxConfig(nginxConf(port, parts), 'test.conf');
  edit?.(config);
  const balancer = new Balancer(config, options);
  defer(() => balancer.close(100));
  await balancer.listen();
  return { balancer, config, port, url: (path = '/') => `http://127.0.0.1:${port}${path}` };
}

// ---- clients ------------------------------------------------------------------------------

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
}

/** One HTTP request on its own connection; resolves with the whole response. */
export function send(url: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks).toString('latin1'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** `X-Up-Addr` of a reply with backend addresses replaced by their names. */
export function upstreamNames(reply: Reply, backends: ReadonlyArray<{ name: string; addr: string }>): string {
  const header = reply.headers['x-up-addr'];
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  return text
    .split(', ')
    .map((addr) => backends.find((b) => b.addr === addr)?.name ?? addr)
    .join(',');
}

/** A raw TCP connection to the proxy: write bytes, collect everything that comes back. */
export class RawClient {
  readonly socket: Socket;
  private data = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
      defer(() => socket.destroy());
    });
  }

  /** Goes away at once (a reset if anything is unread). */
  destroy(): void {
    this.socket.destroy();
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  get text(): string {
    return this.data.toString('latin1');
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Waits until the received text satisfies `done` (or the connection closes, or the time is up). */
  async until(done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.text)) {
      if (this.closed) throw new Error(`connection closed; received so far:\n${this.text}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received so far:\n${this.text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.text;
  }

  /** Waits for the connection to close; returns everything received. */
  async untilClosed(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`connection still open; received so far:\n${this.text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.text;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it is true (or throws after `timeoutMs`). */
export async function waitUntil(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
