import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { nextBackendPort } from './backend-ports';

/**
 * Raw TCP test backends for the differential suite (§10 of the nginx upstream spec). Every byte is
 * written by hand so a backend can misbehave in exactly the ways nginx distinguishes.
 */

export const LETTERS = ['A', 'B', 'C', 'D'] as const;
export type Letter = (typeof LETTERS)[number];

export type BackendMode =
  | 'ok' // 200, Content-Length, Connection: close, body = id
  | 'refuse' // not listening; the port is kept and re-listened on when switching back
  | 'reset' // read the request, then RST
  | 'hang' // read the request, never answer
  | 'echo' // 200 with the raw received request (head and body) as the body
  | 'badheader' // a status line followed by an invalid header line
  | 'garbage' // `GARBAGE\r\n` and close: no status line (HTTP/0.9 to nginx)
  | `status:${number}` // that status with body `A-500` etc.
  | `slow:${number}`; // like ok, after that many milliseconds

/** Which received requests are answered with RST regardless of the mode (T9a, T10b). */
export type ResetRule = { every: number } | { first: number };

const HOST = '127.0.0.1';
const REASONS: Record<number, string> = {
  200: 'OK',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function httpResponse(status: number, body: string): string {
  const reason = REASONS[status] ?? 'Unknown';
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

/** Returns the length of a complete request (head + body) in `buf`, or -1 if more bytes are needed. */
export function completeRequestLength(buf: Buffer): number {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return -1;
  const head = buf.subarray(0, headEnd).toString('latin1');
  const bodyStart = headEnd + 4;
  if (/^transfer-encoding:\s*chunked\s*$/im.test(head)) {
    const end = buf.indexOf('\r\n0\r\n\r\n', bodyStart - 2);
    return end < 0 ? -1 : end + 7;
  }
  const length = /^content-length:\s*(\d+)\s*$/im.exec(head)?.[1];
  const total = bodyStart + (length === undefined ? 0 : Number(length));
  return buf.length >= total ? total : -1;
}

export class Backend {
  /** Connections accepted, over the backend's whole life. */
  connections = 0;
  /** Complete requests received (including ones answered with RST or never answered). */
  requestsReceived = 0;
  /** Responses written. */
  requestsServed = 0;
  resetRule: ResetRule | undefined;

  private modeValue: BackendMode = 'ok';
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private portValue = 0;

  constructor(
    readonly id: Letter,
    /** Called for every accepted connection, in order, across all backends of a set. */
    private readonly onConnection: (id: Letter) => void = () => {},
  ) {}

  get port(): number {
    return this.portValue;
  }

  get mode(): BackendMode {
    return this.modeValue;
  }

  get address(): string {
    return `${HOST}:${this.port}`;
  }

  /** Binds a port (see backend-ports.ts, or `port` if given), then applies the initial mode. */
  async start(mode: BackendMode = 'ok', port = 0): Promise<void> {
    this.portValue = port;
    await this.listen();
    await this.setMode(mode);
  }

  async setMode(mode: BackendMode): Promise<void> {
    if (mode === 'refuse' && this.server) await this.stopListening();
    if (mode !== 'refuse' && !this.server) await this.listen();
    this.modeValue = mode;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await this.stopListening();
  }

  private async listen(): Promise<void> {
    if (this.portValue === 0) {
      for (let attempt = 0; attempt < 200; attempt++) if (await this.tryListen(nextBackendPort())) return;
      throw new Error(`backend ${this.id}: no free port found`);
    }
    // Back from refuse: the remembered port may be briefly held (e.g. by a closing connection).
    for (let attempt = 0; attempt < 40; attempt++) {
      if (await this.tryListen(this.portValue)) return;
      await delay(50);
    }
    throw new Error(`backend ${this.id}: cannot listen on ${HOST}:${this.portValue} again`);
  }

  /** false if the port is in use. */
  private async tryListen(port: number): Promise<boolean> {
    const server = net.createServer((socket) => this.accept(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: HOST, port }, () => resolve());
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
      throw new Error(`backend ${this.id}: cannot listen on ${HOST}:${port}: ${String(err)}`, { cause: err });
    }
    this.server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.portValue = address.port;
    return true;
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // close() stops accepting at once; its callback waits for open connections, which we don't need.
    server.close();
    await delay(0);
  }

  private accept(socket: net.Socket): void {
    this.connections++;
    this.onConnection(this.id);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let received = Buffer.alloc(0);
    let handled = false;
    socket.on('data', (chunk: Buffer) => {
      if (handled) return;
      received = Buffer.concat([received, chunk]);
      const length = completeRequestLength(received);
      if (length < 0) return;
      handled = true;
      this.requestsReceived++;
      this.respond(socket, received.subarray(0, length));
    });
    // nginx closes its side when it gives up (timeouts); close ours too.
    socket.on('end', () => socket.destroy());
  }

  private shouldReset(): boolean {
    const rule = this.resetRule;
    if (!rule) return false;
    const n = this.requestsReceived;
    return 'every' in rule ? n % rule.every === 0 : n <= rule.first;
  }

  private respond(socket: net.Socket, request: Buffer): void {
    const mode = this.modeValue;
    if (mode === 'reset' || this.shouldReset()) {
      socket.resetAndDestroy();
      return;
    }
    if (mode === 'hang') return;
    const answer = (text: string | Buffer): void => {
      this.requestsServed++;
      socket.end(text);
    };
    if (mode === 'ok' || mode === 'refuse') return answer(httpResponse(200, this.id));
    if (mode === 'echo') {
      const head = `HTTP/1.1 200 OK\r\nContent-Length: ${request.length}\r\nConnection: close\r\n\r\n`;
      return answer(Buffer.concat([Buffer.from(head, 'latin1'), request]));
    }
    if (mode === 'badheader') return answer('HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n');
    if (mode === 'garbage') return answer('GARBAGE\r\n');
    const [kind, arg] = mode.split(':') as [string, string];
    if (kind === 'status') return answer(httpResponse(Number(arg), `${this.id}-${arg}`));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!socket.destroyed) answer(httpResponse(200, this.id));
    }, Number(arg));
    this.timers.add(timer);
  }
}

/** Backends A–D; `log` lists every accepted connection by letter, in order. */
export class BackendSet {
  readonly log: Letter[] = [];
  private readonly byLetter = new Map<Letter, Backend>();

  static async start(
    modes: Partial<Record<Letter, BackendMode>> = {},
    ports: Partial<Record<Letter, number>> = {},
  ): Promise<BackendSet> {
    const set = new BackendSet();
    try {
      for (const letter of LETTERS) {
        const backend = new Backend(letter, (id) => set.log.push(id));
        set.byLetter.set(letter, backend);
        await backend.start(modes[letter] ?? 'ok', ports[letter] ?? 0);
      }
    } catch (err) {
      await set.close();
      throw err;
    }
    return set;
  }

  get(letter: Letter): Backend {
    const backend = this.byLetter.get(letter);
    if (!backend) throw new Error(`no backend ${letter}`);
    return backend;
  }

  all(): Backend[] {
    return [...this.byLetter.values()];
  }

  /** `127.0.0.1:PORT` → letter, for reading `$upstream_addr`. Unknown entries are returned as they are. */
  nameOf(address: string): string {
    for (const backend of this.byLetter.values()) if (backend.address === address) return backend.id;
    return address;
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((backend) => backend.close()));
  }
}
