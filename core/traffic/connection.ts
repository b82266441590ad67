import net from 'node:net';
import { ResponseParser, type ResponseHead } from '../balancer/response-parser';
import type { BackendExtractor } from './backend-extractor';
import { CLOSED_BEFORE_RESPONSE, errorKey } from './error-key';

export interface ConnectionTarget {
  host: string;
  port: number;
  /** The request's bytes, identical for every request. */
  request: Buffer;
  /** HEAD: the response has no body whatever its headers say. */
  noBody: boolean;
  extractor: BackendExtractor;
}

export type ExchangeResult =
  | { status: number; backend: string | null; error?: undefined }
  | { status?: undefined; backend?: undefined; error: string };

const MAX_HEAD_BYTES = 64 * 1024;

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time, on node:net with the
 * balancer's response parser rather than node:http or undici: the request is the same prebuilt
 * bytes every time and only the status, the framing and maybe the backend are read back. Against
 * nginx with 64 connections that gave roughly 2x node:http's keep-alive Agent and 1.3-1.5x
 * undici's Pool in requests per second; a load generator must outrun what it measures. A closed
 * socket is reopened on the next send.
 */
export class Connection {
  /** performance.now() when the current request was written. */
  sentAt = 0;
  /** performance.now() when the current request should have been sent (open loop), else sentAt. */
  intendedAt = 0;
  #socket: net.Socket | null = null;
  #busy = false;
  #reused = false;
  #received = false;
  #retried = false;
  #parser: ResponseParser | null = null;
  #head: ResponseHead | null = null;
  #body: Buffer[] | null = null;
  #bodyBytes = 0;
  #lastError: unknown = null;

  constructor(
    private readonly target: ConnectionTarget,
    private readonly onResult: (connection: Connection, result: ExchangeResult) => void,
  ) {}

  get busy(): boolean {
    return this.#busy;
  }

  send(intendedAt?: number): void {
    if (this.#busy) throw new Error('a request is already in flight on this connection');
    this.#busy = true;
    this.sentAt = performance.now();
    this.intendedAt = intendedAt ?? this.sentAt;
    this.#retried = false;
    this.#write();
  }

  /** Fails the request in flight with `error` (e.g. a timeout) and closes the socket. */
  fail(error: string): void {
    if (!this.#busy) return;
    this.#closeSocket();
    this.#finish({ error });
  }

  /** Closes the socket; a request in flight is dropped without a result. */
  destroy(): void {
    this.#busy = false;
    this.#closeSocket();
  }

  #write(): void {
    this.#head = null;
    this.#body = null;
    this.#bodyBytes = 0;
    this.#received = false;
    this.#lastError = null;
    this.#parser = new ResponseParser(
      {
        onHead: (head) => this.#onHead(head),
        onBody: (chunk) => this.#onBody(chunk),
        onEnd: () => this.#onEnd(),
      },
      MAX_HEAD_BYTES,
      this.target.noBody,
    );
    this.#reused = this.#socket !== null;
    this.#socket ??= this.#open();
    this.#socket.write(this.target.request);
  }

  #open(): net.Socket {
    const socket = net.connect({ host: this.target.host, port: this.target.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => {
      if (socket !== this.#socket || !this.#parser) return;
      this.#received = true;
      const failure = this.#parser.execute(chunk);
      if (failure && this.#busy) this.fail(`invalid response (${failure})`);
    });
    socket.on('error', (error) => {
      if (socket === this.#socket) this.#lastError = error;
    });
    socket.on('close', () => {
      if (socket !== this.#socket) return;
      this.#socket = null;
      if (!this.#busy) return;
      if (this.#parser?.finish()) return; // a body delimited by the close: #onEnd has run
      if (this.#reused && !this.#received && !this.#retried) {
        // The server closed an idle keep-alive connection as we wrote to it: resend once.
        this.#retried = true;
        this.#write();
        return;
      }
      this.#finish({ error: this.#lastError ? errorKey(this.#lastError) : CLOSED_BEFORE_RESPONSE });
    });
    return socket;
  }

  #onHead(head: ResponseHead): void {
    this.#head = head;
    const max = this.target.extractor.maxBodyBytes;
    const fits = head.contentLength === -1 ? max > 0 : head.contentLength <= max;
    this.#body = fits && !this.target.noBody ? [] : null;
  }

  #onBody(chunk: Buffer): void {
    if (!this.#body) return;
    this.#bodyBytes += chunk.length;
    if (this.#bodyBytes > this.target.extractor.maxBodyBytes) this.#body = null;
    else this.#body.push(chunk);
  }

  #onEnd(): void {
    const head = this.#head;
    if (!head || !this.#busy) return;
    const body = this.#body ? (this.#body.length === 1 ? this.#body[0]! : Buffer.concat(this.#body)) : null;
    const backend = this.target.extractor.extract({ status: head.status, headers: head.headers, body });
    if (head.close) this.#closeSocket();
    this.#finish({ status: head.status, backend });
  }

  #finish(result: ExchangeResult): void {
    this.#busy = false;
    this.#parser = null;
    this.#body = null;
    this.onResult(this, result);
  }

  #closeSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    socket?.destroy();
  }
}
