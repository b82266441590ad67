import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { hostname } from 'node:os';

const MAX_SLOW_MS = 120_000;

/**
 * One built-in backend that answers as the sample Django backend does (same JSON, `backend`
 * field included) and can be killed, stopped, paused and restored like a container.
 */
export class DemoBackend {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** While paused, requests wait here (a frozen process: connections are accepted, nobody answers). */
  private frozen: Array<() => void> | null = null;
  private served = 0;
  port: number | undefined;

  constructor(
    readonly name: string,
    private readonly onRequest: (line: string) => void,
    /** The demo image it runs (each build makes a new one): in its answers, as `version`. */
    readonly version = 1,
  ) {}

  get running(): boolean {
    return this.server !== null;
  }

  get paused(): boolean {
    return this.frozen !== null;
  }

  /** Listens on a new ephemeral port, as a restarted container gets a new published port. */
  async start(): Promise<number> {
    if (this.server) return this.port!;
    const server = createServer((req, res) => {
      try {
        this.handle(req, res);
      } catch (error) {
        // As a crashed view would: a 500, the backend keeps serving.
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`internal error: ${(error as Error).message}\n`);
      }
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  /** SIGKILL: every connection reset, the port refuses at once. */
  kill(): void {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.port = undefined;
    this.frozen = null;
    server.close();
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  /** Graceful stop: no new connections, requests in flight finish (up to `graceMs`, then kill). */
  async stop(graceMs = 10_000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.resume();
    this.port = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => this.kill(), graceMs);
    await closed;
    clearTimeout(timer);
    this.server = null;
  }

  pause(): void {
    if (this.server && !this.frozen) this.frozen = [];
  }

  resume(): void {
    const waiting = this.frozen;
    this.frozen = null;
    waiting?.forEach((run) => run());
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.frozen) {
      this.frozen.push(() => this.handle(req, res));
      return;
    }
    const url = targetUrl(req.url);
    const send = (status: number, body: object | null): void => {
      const text = body ? JSON.stringify(body) : '';
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
      const time = new Date().toISOString().replace('T', ' ').slice(0, 19);
      this.onRequest(`[${time}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${text.length}`);
    };
    if (!url) return send(400, { error: 'bad request target', backend: this.name });
    if (url.pathname === '/health') return send(200, { status: 'ok', backend: this.name });
    this.served++;
    const describe = {
      backend: this.name,
      version: this.version,
      hostname: `${hostname()}-${this.name}`,
      pid: process.pid,
      served: this.served,
      method: req.method,
      path: req.url,
      remote_addr: req.socket.remoteAddress,
      headers: {
        host: req.headers.host ?? null,
        x_real_ip: req.headers['x-real-ip'] ?? null,
        x_forwarded_for: req.headers['x-forwarded-for'] ?? null,
        x_forwarded_proto: req.headers['x-forwarded-proto'] ?? null,
        x_forwarded_host: req.headers['x-forwarded-host'] ?? null,
      },
    };
    if (url.pathname === '/slow') {
      const ms = Math.max(0, Math.min(Number(url.searchParams.get('ms') ?? 1000) || 0, MAX_SLOW_MS));
      setTimeout(() => send(200, { ...describe, slept_ms: ms }), ms);
      return;
    }
    const status = /^\/status\/(\d{3})$/.exec(url.pathname);
    if (status) {
      const code = Number(status[1]);
      if (code < 200 || code > 599) return send(400, { error: 'status must be 200-599' });
      return send(code, code === 204 || code === 304 ? null : { ...describe, status: code });
    }
    req.resume();
    send(200, describe);
  }
}

/** The request target as a URL; the base is prefixed so `//x` stays a path, not a host. */
function targetUrl(target: string | undefined): URL | null {
  if (!target?.startsWith('/')) return null;
  try {
    return new URL(`http://demo${target}`);
  } catch {
    return null;
  }
}
