import { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ClientRequest } from './client-request';
import { headerValue, serializeHead } from './response-head';

/** What a response reports to the connection it goes out on. */
export interface ResponseOwner {
  /** The last byte is written: the connection goes on with the next request or closes. */
  finished(res: ClientResponse): void;
  /** The response hands the socket over (an Upgrade's tunnel); the bytes the client sent after its request. */
  release(): Buffer;
}

const FINAL_CHUNK = '0\r\n\r\n';
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * One response on a client connection: the head in nginx's order, the body framed by its
 * Content-Length, as chunks (HTTP/1.1 without a length) or by closing the connection (HTTP/1.0),
 * nothing but the body for HTTP/0.9. The head waits for the first body bytes so that both leave
 * in one write. Events: `drain` (the socket's), `finish` (all written), `close` (the client went
 * away, or the response was destroyed, before it was finished).
 */
export class ClientResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  /** Whether the connection stays open for another request; the writer may turn it off. */
  shouldKeepAlive: boolean;
  headersSent = false;
  writableFinished = false;
  /** Body bytes given to the socket (`$body_bytes_sent`). */
  bodyBytes = 0;
  /** Head bytes given to the socket (`$bytes_sent` = head + body). */
  headBytes = 0;
  private pendingHead: string | null = null;
  private chunked = false;
  private noBody = false;
  private closed = false;
  private released = false;

  constructor(
    readonly req: ClientRequest,
    readonly socket: Socket,
    private readonly owner: ResponseOwner,
    keepAlive: boolean,
  ) {
    super();
    this.shouldKeepAlive = keepAlive && !req.simple;
  }

  /** The client went away, or the response was destroyed. */
  get destroyed(): boolean {
    return this.closed && !this.writableFinished;
  }

  writeContinue(): void {
    if (!this.headersSent && !this.req.simple) this.socket.write(CONTINUE, 'latin1');
  }

  /**
   * The status line and headers (a flat name/value list); sent with the first body bytes.
   * `location`: a relative redirect made absolute, which nginx writes in its own place.
   */
  writeHead(status: number, reason: string | undefined, headers: readonly string[], location?: string): this {
    if (this.headersSent) throw new Error('the response head was already sent');
    this.statusCode = status;
    this.statusMessage = reason ?? STATUS_CODES[status] ?? '';
    this.headersSent = true;
    const bodiless =
      this.req.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
    this.noBody = bodiless;
    if (this.req.simple) return this;
    const hasLength = headerValue(headers, 'content-length') !== undefined;
    this.chunked = !bodiless && !hasLength && this.req.httpVersionMinor >= 1;
    // HTTP/1.0 without a length: the end of the connection is the end of the body.
    if (!bodiless && !hasLength && !this.chunked) this.shouldKeepAlive = false;
    this.pendingHead = serializeHead(status, this.statusMessage, headers, {
      chunked: this.chunked,
      connection: this.shouldKeepAlive ? 'keep-alive' : 'close',
      ...(location === undefined ? {} : { location }),
    });
    return this;
  }

  write(chunk: Buffer | string): boolean {
    if (this.closed) return false;
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.noBody || data.length === 0) return this.flushHead();
    this.bodyBytes += data.length;
    const { socket } = this;
    socket.cork();
    this.flushHead();
    let more: boolean;
    if (this.chunked) {
      socket.write(`${data.length.toString(16)}\r\n`, 'latin1');
      socket.write(data);
      more = socket.write('\r\n', 'latin1');
    } else more = socket.write(data);
    socket.uncork();
    return more;
  }

  end(chunk?: Buffer | string): void {
    if (this.closed) return;
    const { socket } = this;
    socket.cork();
    if (chunk !== undefined) this.write(chunk);
    else this.flushHead();
    if (this.chunked) socket.write(FINAL_CHUNK, 'latin1');
    socket.uncork();
    this.closed = true;
    this.writableFinished = true;
    this.emit('finish');
    this.owner.finished(this);
  }

  /** Abandons the response: the connection closes at once (a truncated answer). */
  destroy(): void {
    this.socket.destroy();
    this.clientGone();
  }

  /** The connection saw its socket close before the response was finished. */
  clientGone(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  /** Stops the response and takes the socket for a tunnel: returns what the client sent after its request. */
  release(): Buffer {
    this.released = true;
    this.closed = true;
    this.writableFinished = true;
    return this.owner.release();
  }

  get tunnelled(): boolean {
    return this.released;
  }

  private flushHead(): boolean {
    const head = this.pendingHead;
    if (head === null) return true;
    this.pendingHead = null;
    this.headBytes = head.length;
    return this.socket.write(head, 'latin1');
  }

  override once(event: string | symbol, listener: (...args: unknown[]) => void): this {
    // Backpressure is the socket's.
    if (event === 'drain') this.socket.once('drain', listener);
    else super.once(event, listener);
    return this;
  }
}
