import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName } from '../api/contract';
import { answerCall } from '../api/answer';
import type { ServerMessage } from '../api/wire';
import type { App } from '../app/app';
import { serveStatic } from './static-files';

export interface DashboardServerOptions {
  app: App;
  host: string;
  port: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Fixed token (tests); default a fresh random one. */
  token?: string;
  /** Extra HTTP routes besides /metrics, called after the host and token checks. */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>;
}

const EVENTS: EventName[] = ['lab', 'requests', 'metrics', 'logs', 'timeline', 'notice'];
/** A client this far behind gets only the lab view until it catches up. */
const SLOW_CLIENT_BYTES = 4 * 1024 * 1024;

/**
 * The dashboard without Electron: the built renderer over HTTP and the API over a WebSocket, on
 * loopback. Every connection needs the token; a Host or Origin other than this server's own is
 * refused (DNS rebinding, cross-site WebSockets).
 */
export class DashboardServer {
  readonly token: string;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  private readonly clients = new Set<WebSocket>();
  private readonly offs: Array<() => void> = [];
  private allowedHosts = new Set<string>();
  private port = 0;
  private readonly routes: NonNullable<DashboardServerOptions['routes']>;

  constructor(private readonly options: DashboardServerOptions) {
    this.token = options.token ?? randomBytes(18).toString('base64url');
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.routes = {
      '/metrics': async (_req, res) => {
        const { contentType, text } = await options.app.metrics();
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(text);
      },
      ...options.routes,
    };
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
    for (const event of EVENTS) {
      this.offs.push(
        options.app.events.on(event, (payload) => this.broadcast(event, { event, payload } as ServerMessage)),
      );
    }
  }

  /** Listens; returns the URL to open, token included. */
  async listen(): Promise<string> {
    const { host, port } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `dashboard: ${host}:${port} is already in use: another program listens there`
              : `dashboard: cannot listen on ${host}:${port}: ${error.message}`,
          ),
        ),
      );
      this.http.listen(port, host, resolve);
    });
    this.port = (this.http.address() as { port: number }).port;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    this.allowedHosts = new Set([`${hostPart}:${this.port}`]);
    if (host === '127.0.0.1' || host === '::1') this.allowedHosts.add(`localhost:${this.port}`);
    return `http://${hostPart}:${this.port}/?token=${this.token}`;
  }

  private hostAllowed(req: IncomingMessage): boolean {
    return this.allowedHosts.has((req.headers.host ?? '').toLowerCase());
  }

  private tokenValid(req: IncomingMessage): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const given = Buffer.from(url.searchParams.get('token') ?? bearer ?? '');
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.hostAllowed(req)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' });
      res.end('misdirected request: this dashboard answers only to its own address\n');
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const route = this.routes[pathname];
    if (route) {
      if (!this.tokenValid(req)) {
        res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' });
        res.end('token required\n');
        return;
      }
      await route(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    await serveStatic(this.options.rendererDir, req, res);
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api') return refuse('404 Not Found');
    if (!this.hostAllowed(req)) return refuse('421 Misdirected Request');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.allowedHosts.has(origin.replace(/^http:\/\//, '').toLowerCase())) {
      return refuse('403 Forbidden');
    }
    if (!this.tokenValid(req)) return refuse('401 Unauthorized');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onClient(ws));
  }

  private onClient(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => void this.onMessage(ws, isBinary ? null : data.toString()));
    this.send(ws, { event: 'lab', payload: this.options.app.view() });
  }

  private async onMessage(ws: WebSocket, text: string | null): Promise<void> {
    let message: unknown = null;
    try {
      if (text !== null) message = JSON.parse(text);
    } catch {
      // Not JSON: answered below as a malformed message.
    }
    this.send(ws, await answerCall(this.options.app, message));
  }

  private send(ws: WebSocket, message: ServerMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  private broadcast(event: EventName, message: ServerMessage): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const ws of this.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (event !== 'lab' && event !== 'notice' && ws.bufferedAmount > SLOW_CLIENT_BYTES) continue;
      ws.send(text);
    }
  }

  async close(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    for (const ws of this.clients) ws.terminate();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closed;
  }
}
