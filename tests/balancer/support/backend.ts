import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';

/**
 * Test backends for the balancer's socket-level tests. `HttpBackend` is Node's HTTP server with a
 * swappable per-request behaviour (it streams and hashes request bodies, so 50 MB uploads don't sit
 * in memory); `RawEchoBackend` answers with the exact bytes of the request head it received.
 * Everything listens on 127.0.0.1 with an ephemeral port.
 */

const HOST = '127.0.0.1';
/** Bodies are kept in memory up to this size (longer ones are only hashed and counted). */
const KEEP_BODY = 1024 * 1024;

export interface ReceivedRequest {
  method: string;
  url: string;
  httpVersion: string;
  /** Header names and values as received: [name, value, name, value, ...]. */
  rawHeaders: string[];
  /** 1-based number of the backend connection the request arrived on. */
  connection: number;
  /** 1-based position of the request on its connection (2+ means the connection was reused). */
  onConnection: number;
  bodyLength: number;
  /** sha256 hex of the whole body, set when it ended. */
  bodyHash: string;
  /** The first KEEP_BODY bytes of the body. */
  body: Buffer;
  /** The body was received to its end. */
  complete: boolean;
}

export interface BackendExchange {
  req: IncomingMessage;
  res: ServerResponse;
  received: ReceivedRequest;
  /** Resolves when the request body has ended (or the connection closed). */
  bodyDone: Promise<void>;
  backend: HttpBackend;
}

export type Handler = (exchange: BackendExchange) => void;

/** Every value of header `name` (case-insensitive) in a raw header list, in order. */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name.toLowerCase()) values.push(rawHeaders[i + 1]!);
  }
  return values;
}

export class HttpBackend {
  /** Connections accepted. */
  connections = 0;
  /** Proxied requests received (health checks are not listed). */
  readonly requests: ReceivedRequest[] = [];
  /** Health check requests received. */
  healthChecks = 0;
  /** Status `/health` answers with. */
  healthStatus = 200;
  /** Responses finished. */
  served = 0;
  handler: Handler;
  readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private portValue = 0;
  private readonly connectionOf = new WeakMap<Socket, { id: number; requests: number }>();

  private constructor(
    readonly name: string,
    handler: Handler,
  ) {
    this.handler = handler;
    this.server = createServer({ keepAliveTimeout: 30_000, requestTimeout: 0 });
    this.server.on('connection', (socket: Socket) => {
      this.connections++;
      this.connectionOf.set(socket, { id: this.connections, requests: 0 });
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
  }

  static async start(name: string, handler: Handler = ok()): Promise<HttpBackend> {
    const backend = new HttpBackend(name, handler);
    await new Promise<void>((resolve, reject) => {
      backend.server.once('error', reject);
      backend.server.listen({ host: HOST, port: 0 }, () => resolve());
    });
    const address = backend.server.address();
    backend.portValue = typeof address === 'object' && address ? address.port : 0;
    return backend;
  }

  get port(): number {
    return this.portValue;
  }

  /** `127.0.0.1:PORT`, as `$upstream_addr` shows it. */
  get addr(): string {
    return `${HOST}:${this.portValue}`;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const conn = this.connectionOf.get(req.socket) ?? { id: 0, requests: 0 };
    conn.requests++;
    if (req.url === '/health') {
      this.healthChecks++;
      req.resume();
      res.writeHead(this.healthStatus, { 'Content-Length': '2' });
      res.end('hc');
      return;
    }
    const received: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      httpVersion: req.httpVersion,
      rawHeaders: [...req.rawHeaders],
      connection: conn.id,
      onConnection: conn.requests,
      bodyLength: 0,
      bodyHash: '',
      body: Buffer.alloc(0),
      complete: false,
    };
    this.requests.push(received);
    const hash = createHash('sha256');
    const kept: Buffer[] = [];
    let keptLength = 0;
    req.on('data', (chunk: Buffer) => {
      received.bodyLength += chunk.length;
      hash.update(chunk);
      if (keptLength < KEEP_BODY) {
        kept.push(chunk);
        keptLength += chunk.length;
      }
    });
    const bodyDone = new Promise<void>((resolve) => {
      req.on('end', () => {
        received.complete = true;
        received.bodyHash = hash.digest('hex');
        received.body = Buffer.concat(kept).subarray(0, KEEP_BODY);
        resolve();
      });
      req.on('close', () => resolve());
    });
    res.on('finish', () => this.served++);
    this.handler({ req, res, received, bodyDone, backend: this });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** 200 with the backend's name as the body, once the request body has been read. */
export function ok(body?: string): Handler {
  return ({ res, bodyDone, backend }) => {
    void bodyDone.then(() => {
      const text = body ?? backend.name;
      if (res.destroyed) return;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(text)) });
      res.end(text);
    });
  };
}

/** That status with body `NAME-STATUS`. */
export function status(code: number): Handler {
  return ({ res, bodyDone, backend }) => {
    void bodyDone.then(() => {
      const text = `${backend.name}-${code}`;
      res.writeHead(code, { 'Content-Type': 'text/plain', 'Content-Length': String(text.length) });
      res.end(text);
    });
  };
}

/** Reads the request head, then closes the connection with an RST (SO_LINGER 0). */
export function reset(): Handler {
  return ({ req }) => {
    req.socket.resetAndDestroy();
  };
}

/** Reads the request and never answers. */
export function hang(): Handler {
  return ({ req }) => {
    req.resume();
  };
}

/** Like `ok`, after `ms` milliseconds. */
export function slow(ms: number): Handler {
  const answer = ok();
  return (exchange) => {
    const timer = setTimeout(() => answer(exchange), ms);
    exchange.res.on('close', () => clearTimeout(timer));
  };
}

/** 200 whose body is the request as the backend saw it: request line, raw headers, blank line, body. */
export function echo(): Handler {
  return ({ res, received, bodyDone }) => {
    void bodyDone.then(() => {
      const head = requestHeadText(received);
      const body = Buffer.concat([Buffer.from(head, 'latin1'), received.body]);
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) });
      res.end(body);
    });
  };
}

export function requestHeadText(received: ReceivedRequest): string {
  let head = `${received.method} ${received.url} HTTP/${received.httpVersion}\r\n`;
  for (let i = 0; i < received.rawHeaders.length; i += 2) {
    head += `${received.rawHeaders[i]}: ${received.rawHeaders[i + 1]}\r\n`;
  }
  return `${head}\r\n`;
}

/** Holds every response until `release()`: for requests that must stay in flight. */
export function gate(): { handler: Handler; release: () => void; readonly waiting: number } {
  const held: Array<() => void> = [];
  let open = false;
  const answer = ok();
  return {
    handler: (exchange) => {
      if (open) answer(exchange);
      else held.push(() => answer(exchange));
    },
    release: () => {
      open = true;
      for (const fn of held.splice(0)) fn();
    },
    get waiting() {
      return held.length;
    },
  };
}

/**
 * A raw TCP backend that answers each request with the exact bytes of the request (head and
 * Content-Length body) it received, with `Connection: close`.
 */
export class RawEchoBackend {
  readonly received: Buffer[] = [];
  private readonly sockets = new Set<Socket>();
  private portValue = 0;

  private constructor(private readonly server: NetServer) {}

  static async start(): Promise<RawEchoBackend> {
    const backend: RawEchoBackend = new RawEchoBackend(createNetServer((socket) => backend.accept(socket)));
    await new Promise<void>((resolve, reject) => {
      backend.server.once('error', reject);
      backend.server.listen({ host: HOST, port: 0 }, () => resolve());
    });
    const address = backend.server.address();
    backend.portValue = typeof address === 'object' && address ? address.port : 0;
    return backend;
  }

  get addr(): string {
    return `${HOST}:${this.portValue}`;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let data = Buffer.alloc(0);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      data = Buffer.concat([data, chunk]);
      const headEnd = data.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const head = data.toString('latin1', 0, headEnd);
      const length = Number(/^content-length:\s*(\d+)\s*$/im.exec(head)?.[1] ?? '0');
      const total = headEnd + 4 + length;
      if (data.length < total) return;
      answered = true;
      const request = data.subarray(0, total);
      this.received.push(request);
      socket.end(
        Buffer.concat([
          Buffer.from(
            `HTTP/1.1 200 OK\r\nContent-Length: ${request.length}\r\nConnection: close\r\n\r\n`,
            'latin1',
          ),
          request,
        ]),
      );
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
