import net from 'node:net';
import { Balancer } from '../../core/balancer';
import { parseNginxConfig } from '../../core/nginx';
import { nextBackendPort } from '../support/backend-ports';

/** nginx.conf with one upstream server, one server block, and `server` directives added. */
export function hardeningConf(port: number, backend: string, server = ''): string {
  return `
events {}
http {
  upstream backend { server ${backend}; }
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
    ${server}
    location / { proxy_pass http://backend; }
  }
}
`;
}

/** Our balancer for a config, with the Balancer itself at hand (snapshots, connection counts). */
export async function startBalancer(configText: string): Promise<{ balancer: Balancer; port: number }> {
  const { config } = parseNginxConfig(configText, 'hardening.conf');
  const balancer = new Balancer(config);
  const [address] = await balancer.listen();
  return { balancer, port: address!.port };
}

export type UpstreamBehaviour =
  /** Reads the request and never answers. */
  | 'hold'
  /** Answers 200 with Content-Length 1 000 000, sends 64 KiB of it, then closes. */
  | 'abort-length'
  /** Answers 200 chunked, sends some chunks, then closes without the last chunk. */
  | 'abort-chunked'
  /** Answers 200 "early" as soon as the request head is in, without reading the body. */
  | 'answer-early';

/**
 * A raw upstream that counts the connections it has open, so a test can see that every socket
 * the balancer opened was closed again.
 */
export class CountingUpstream {
  readonly sockets = new Set<net.Socket>();
  accepted = 0;
  bytesReceived = 0;
  private server: net.Server | undefined;
  port = 0;

  constructor(public behaviour: UpstreamBehaviour) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const server = net.createServer((socket) => this.accept(socket));
      const port = nextBackendPort();
      const ok = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen({ host: '127.0.0.1', port }, () => resolve(true));
      });
      if (ok) {
        this.server = server;
        this.port = (server.address() as net.AddressInfo).port;
        return;
      }
    }
    throw new Error('no free port for the upstream');
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: net.Socket): void {
    this.accepted++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      this.bytesReceived += chunk.length;
      if (answered || !chunk.includes('\r\n\r\n')) return;
      answered = true;
      if (this.behaviour === 'abort-length') {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n');
        socket.write(Buffer.alloc(64 * 1024, 'a'), () => socket.destroy());
      } else if (this.behaviour === 'answer-early') {
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nearly');
      } else if (this.behaviour === 'abort-chunked') {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        socket.write(`4000\r\n${'b'.repeat(0x4000)}\r\n`.repeat(4), () => socket.destroy());
      }
    });
    socket.on('end', () => socket.destroy());
  }
}

/** Resolves when `check` holds, or rejects after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface SlowClientResult {
  /** From connect to the server closing the connection. */
  closedAfterMs: number;
  received: string;
}

/**
 * Connects, writes `chunks` one every `everyMs` (then nothing more), and waits for the server to
 * close the connection (or `giveUpMs`).
 */
export function slowClient(
  port: number,
  chunks: readonly string[],
  everyMs: number,
  giveUpMs = 10_000,
): Promise<SlowClientResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < chunks.length && socket.writable) socket.write(chunks[sent++]!);
    }, everyMs);
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('connect', () => {
      if (chunks.length > 0) socket.write(chunks[sent++]!);
    });
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: performance.now() - started, received });
    });
  });
}
