import { createServer, type Server, type Socket } from 'node:net';
import { defer } from './proxy';

/** One request head as a raw upstream received it, with where it arrived. */
export interface RawRequest {
  head: string;
  /** 1-based number of the upstream connection it came on. */
  connection: number;
  /** 1-based position on that connection. */
  onConnection: number;
}

/** What to write for a request: bytes, or nothing (hold the connection silently). */
export type RawAnswer = (request: RawRequest, socket: Socket) => string | Buffer | null;

/**
 * An upstream that answers every request head it reads with exact bytes (`answer`), keeping the
 * connection open unless the answer closes it. Request bodies are not read as such: every
 * `\r\n\r\n`-terminated head starts a new request, which is what a smuggling test wants to see.
 */
export class RawUpstream {
  readonly requests: RawRequest[] = [];
  readonly sockets = new Set<Socket>();
  connections = 0;
  /** Everything received on each connection, in order. */
  readonly received: string[] = [];
  port = 0;
  private server: Server | null = null;

  constructor(public answer: RawAnswer) {}

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(answer: RawAnswer): Promise<RawUpstream> {
    const upstream = new RawUpstream(answer);
    await upstream.listen();
    defer(() => upstream.close());
    return upstream;
  }

  private async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
    this.server = server;
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  private accept(socket: Socket): void {
    const connection = ++this.connections;
    const index = connection - 1;
    this.received[index] = '';
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = '';
    let onConnection = 0;
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      this.received[index] += text;
      pending += text;
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        const request = { head: pending.slice(0, end + 4), connection, onConnection: ++onConnection };
        pending = pending.slice(end + 4);
        this.requests.push(request);
        const bytes = this.answer(request, socket);
        if (bytes !== null && !socket.destroyed) socket.write(bytes);
      }
    });
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A complete response with a Content-Length body. */
export function response(body: string, status = '200 OK', headers = ''): string {
  return `HTTP/1.1 ${status}\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\n${headers}\r\n${body}`;
}
