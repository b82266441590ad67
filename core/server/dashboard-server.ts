import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BROADCAST_EVENTS, type BroadcastEventName } from '../api/contract';
import { answerCall } from '../api/answer';
import { Caller } from '../api/caller';
import type { ServerMessage } from '../api/wire';
import type { App } from '../app/app';
import { allowedHosts } from './allowed-hosts';
import { ClientChannel, DEFAULT_LIMITS, type ChannelLimits, type MessageKind } from './client-channel';
import { parseTarget } from './request-target';
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
  /** How much a client may leave unread (tests lower it). */
  limits?: ChannelLimits;
  /** Where a failed handler or a dropped client is reported, once each (default: stderr). */
  log?: (line: string) => void;
}

const EVENTS = BROADCAST_EVENTS;

/**
 * The dashboard without Electron: the built renderer over HTTP and the API over a WebSocket, on
 * loopback. Every connection needs the token; a Host or Origin other than this server's own is
 * refused (DNS rebinding, cross-site WebSockets). No request, however malformed, gets past a
 * handler as an exception: it is answered (400, 404, 500) or its connection closed.
 */
export class DashboardServer {
  readonly token: string;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  private readonly clients = new Set<ClientChannel>();
  private readonly offs: Array<() => void> = [];
  private allowedHosts = new Set<string>();
  private port = 0;
  private clientNumber = 0;
  private readonly routes: NonNullable<DashboardServerOptions['routes']>;
  private readonly log: (line: string) => void;

  constructor(private readonly options: DashboardServerOptions) {
    this.token = options.token ?? randomBytes(18).toString('base64url');
    this.log = options.log ?? ((line) => void process.stderr.write(`${line}\n`));
    this.http = createServer((req, res) => {
      this.onRequest(req, res).catch((error: unknown) => this.failed(req, res, error));
    });
    this.routes = {
      '/metrics': async (_req, res) => {
        const { contentType, text } = await options.app.metrics();
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(text);
      },
      ...options.routes,
    };
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      // Node takes its own error listener off an upgraded socket: without one, a reset kills us.
      socket.on('error', () => socket.destroy());
      try {
        this.onUpgrade(req, socket, head);
      } catch (error) {
        this.log(`dashboard: upgrade ${JSON.stringify(req.url)} failed: ${(error as Error).message}`);
        socket.destroy();
      }
    });
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
    this.allowedHosts = allowedHosts(host, this.port);
    // Where to point a browser: the address itself, or this machine's loopback for 0.0.0.0 / ::.
    const visit = [...this.allowedHosts][0] ?? `127.0.0.1:${this.port}`;
    return `http://${visit}/?token=${this.token}`;
  }

  /** Bytes waiting for each connected client (what a client that does not read costs us). */
  clientBacklogs(): number[] {
    return [...this.clients].map((client) => client.bufferedBytes);
  }

  private hostAllowed(req: IncomingMessage): boolean {
    return this.allowedHosts.has((req.headers.host ?? '').toLowerCase());
  }

  private tokenValid(req: IncomingMessage, query: URLSearchParams): boolean {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const given = Buffer.from(query.get('token') ?? bearer ?? '');
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.hostAllowed(req)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' });
      res.end('misdirected request: this dashboard answers only to its own address\n');
      return;
    }
    const target = parseTarget(req.url);
    if (!target) {
      res.writeHead(400, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('bad request target: a path such as /index.html, with valid %-escapes\n');
      return;
    }
    const route = this.routes[target.rawPath];
    if (route) {
      if (!this.tokenValid(req, target.query)) {
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
    await serveStatic(this.options.rendererDir, target.path, req, res);
  }

  /** A handler threw: a 500 if nothing was sent yet, else the connection is cut; logged once. */
  private failed(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    this.log(
      `dashboard: ${req.method} ${JSON.stringify(req.url)} failed: ${(error as Error)?.message ?? error}`,
    );
    if (res.headersSent) return void res.destroy();
    res.writeHead(500, { 'Content-Type': 'text/plain', Connection: 'close' });
    res.end('internal error: see the lab log\n');
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!this.hostAllowed(req)) return refuse('421 Misdirected Request');
    const target = parseTarget(req.url);
    if (!target) return refuse('400 Bad Request');
    if (target.rawPath !== '/api') return refuse('404 Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.allowedHosts.has(origin.replace(/^http:\/\//, '').toLowerCase())) {
      return refuse('403 Forbidden');
    }
    if (!this.tokenValid(req, target.query)) return refuse('401 Unauthorized');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onClient(ws));
  }

  private onClient(ws: WebSocket): void {
    const client = new ClientChannel(ws, this.options.limits ?? DEFAULT_LIMITS, (reason) =>
      this.log(`dashboard: closed a client that stopped reading (${reason})`),
    );
    // What this client opens (a terminal) reports to it alone, and closes when it goes.
    const caller = new Caller(`dashboard client ${++this.clientNumber}`, () => ws.bufferedAmount);
    const offTerminal = caller.events.on('terminal', (payload) =>
      this.send(client, { event: 'terminal', payload }),
    );
    this.clients.add(client);
    ws.on('close', () => {
      this.clients.delete(client);
      offTerminal();
      caller.leave();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      this.onMessage(client, caller, text).catch((error: unknown) => {
        this.log(`dashboard: a WebSocket message failed: ${(error as Error)?.message ?? error}`);
      });
    });
    this.send(client, { event: 'lab', payload: this.options.app.view() });
  }

  private async onMessage(client: ClientChannel, caller: Caller, text: string | null): Promise<void> {
    // A client being closed for not reading gets no more answers to compute.
    if (!client.open) return;
    let message: unknown = null;
    try {
      if (text !== null) message = JSON.parse(text);
    } catch {
      // Not JSON: answered below as a malformed message.
    }
    this.send(client, await answerCall(this.options.app, message, caller));
  }

  private send(client: ClientChannel, message: ServerMessage): void {
    client.send(JSON.stringify(message), kindOf(message));
  }

  private broadcast(event: BroadcastEventName, message: ServerMessage): void {
    if (this.clients.size === 0) return;
    try {
      const text = JSON.stringify(message);
      for (const client of this.clients) client.send(text, event === 'lab' ? 'lab' : 'event');
    } catch (error) {
      // Thrown here it would reach the App's emitter, i.e. whoever emitted the event.
      this.log(`dashboard: could not send the ${event} event: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    for (const client of this.clients) client.ws.terminate();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closed;
  }
}

function kindOf(message: ServerMessage): MessageKind {
  if (!('event' in message)) return 'reply';
  if (message.event === 'terminal') return 'stream';
  return message.event === 'lab' ? 'lab' : 'event';
}
