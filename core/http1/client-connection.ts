import type { Socket } from 'node:net';
import { ClientRequest } from './client-request';
import { ClientResponse, type ResponseOwner } from './client-response';
import { Deadline } from './deadline';
import { RequestBodyFeed } from './request-body-feed';
import { RequestHeadReader, type HeadOptions, type RefusedHead } from './request-head-reader';

export interface ConnectionSettings {
  /** client_header_timeout: from the connection (or a request's first byte) to the end of its head. */
  headerTimeoutMs: number;
  /** keepalive_timeout between requests; 0 = no keep-alive. */
  keepaliveTimeoutMs: number;
  /** keepalive_requests: the connection closes after this many (1000). */
  keepaliveRequests: number;
  head: HeadOptions;
  /** nginx's error page for a refused request, as bytes: `head` for HEAD, `body` for HTTP/0.9. */
  errorResponse(status: number, form: ErrorForm): Buffer;
  /** A head was refused and its error page sent: nginx's log phase for it. */
  onRefused?(refusal: Refusal): void;
}

export interface Refusal extends RefusedHead {
  status: number;
  socket: Socket;
  sentBytes: number;
  bodyBytes: number;
}

export type RequestHandler = (req: ClientRequest, res: ClientResponse) => void;

export type ErrorForm = 'full' | 'head' | 'body';

/** Bytes kept from a client while its request is answered (pipelined requests); then it waits. */
const PENDING_LIMIT = 64 * 1024;
/** lingering_timeout: how long a connection being closed may keep sending. */
const LINGER_MS = 5000;

type Phase = 'head' | 'request' | 'closing' | 'gone';

/**
 * One client connection, as nginx's ngx_http_request.c runs it: read a head (with
 * client_header_timeout, or keepalive_timeout while idle), hand the request on, feed its body,
 * and once the response is written read the next one from what is left (pipelining), or close —
 * answering a bad head with nginx's error page, then lingering so the client reads it.
 */
export class ClientConnection implements ResponseOwner {
  private phase: Phase = 'head';
  private reader: RequestHeadReader;
  private pending: Buffer | null = null;
  private feed: RequestBodyFeed | null = null;
  private req: ClientRequest | null = null;
  private res: ClientResponse | null = null;
  /** client_header_timeout, then keepalive_timeout between requests. */
  private readonly headerDeadline: Deadline;
  private readonly idleDeadline: Deadline;
  private lingerTimer: NodeJS.Timeout | null = null;
  private served = 0;
  /** The server is shutting down: no request after the one under way. */
  private draining = false;
  /** servePending is running (further calls leave the work to it). */
  private serving = false;

  constructor(
    readonly socket: Socket,
    private readonly settings: ConnectionSettings,
    private readonly handler: RequestHandler,
    private readonly onClosed: (connection: ClientConnection) => void,
  ) {
    this.reader = new RequestHeadReader(settings.head);
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    this.headerDeadline = new Deadline(settings.headerTimeoutMs, this.onTimeout);
    this.idleDeadline = new Deadline(settings.keepaliveTimeoutMs, this.onTimeout);
    this.arm(this.headerDeadline);
  }

  /** Waiting for a request that has not begun: closing it loses nothing. */
  get idle(): boolean {
    return this.phase === 'head' && !this.reader.started && this.pending === null;
  }

  /** Shutdown: an idle connection closes now, a busy one after its response. */
  drain(): void {
    this.draining = true;
    if (this.idle) this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      this.take(chunk);
    } catch {
      // Last resort: no byte a client sends may throw out of a socket handler.
      this.socket.destroy();
    }
  };

  private take(chunk: Buffer): void {
    switch (this.phase) {
      case 'head':
        this.readHead(chunk);
        return;
      case 'request':
        if (this.feed && !this.feed.done) this.feedBody(chunk);
        else this.keep(chunk);
        return;
      default:
      // closing (lingering: what comes is dropped) or gone
    }
  }

  private keep(chunk: Buffer): void {
    this.pending = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.pending.length >= PENDING_LIMIT) this.socket.pause();
  }

  private readHead(chunk: Buffer): void {
    const wasStarted = this.reader.started;
    const step = this.reader.push(chunk);
    if (step.kind === 'more') {
      // A request began on a kept-alive connection: client_header_timeout from now on.
      if (!wasStarted && this.reader.started && this.served > 0) this.arm(this.headerDeadline);
      return;
    }
    if (step.kind === 'error') {
      const form =
        step.simple === true ? 'body' : chunk.toString('latin1', 0, 5) === 'HEAD ' ? 'head' : 'full';
      const sent = this.refuse(step.status, form);
      this.settings.onRefused?.({
        ...this.reader.refusal(step.status),
        status: step.status,
        socket: this.socket,
        sentBytes: sent.length,
        bodyBytes:
          form === 'body' ? sent.length : form === 'head' ? 0 : sent.length - sent.indexOf('\r\n\r\n') - 4,
      });
      return;
    }
    this.disarm();
    const { head, rest } = step;
    const length = contentLength(head.rawHeaders);
    const chunked = length === -2;
    let req: ClientRequest | null = null;
    const feed =
      chunked || length > 0
        ? new RequestBodyFeed(
            chunked ? 0 : length,
            chunked,
            () => this.socket.pause(),
            () => this.socket.resume(),
            () => req?.maxBodySize ?? 0,
          )
        : null;
    req = new ClientRequest(head, this.socket, feed?.stream ?? null);
    this.served++;
    const keepAlive =
      !this.draining &&
      this.settings.keepaliveTimeoutMs > 0 &&
      this.served < this.settings.keepaliveRequests &&
      wantsKeepAlive(req);
    const res = new ClientResponse(req, this.socket, this, keepAlive);
    this.phase = 'request';
    this.req = req;
    this.res = res;
    this.feed = feed;
    this.pending = rest.length > 0 ? rest : null;
    this.handler(req, res);
    if (this.req === req) this.pumpBody();
  }

  /** Bytes already here that belong to the body go to it (the rest stays for the next request). */
  private pumpBody(): void {
    const pending = this.pending;
    if (pending === null || this.phase !== 'request' || !this.feed || this.feed.done) return;
    this.pending = null;
    this.feedBody(pending);
  }

  private feedBody(chunk: Buffer): void {
    const feed = this.feed!;
    const req = this.req!;
    const step = feed.feed(chunk);
    if (step.kind === 'more') return;
    if (step.kind === 'invalid' || step.kind === 'too-large') {
      this.bodyFailed(req, step.kind === 'invalid' ? 400 : 413);
      return;
    }
    req.complete = true;
    if (step.rest.length > 0) this.keep(step.rest);
    // The response was already written (discarding): the connection goes on now.
    if (this.res?.writableFinished) this.next();
  }

  /** A chunked body that breaks its framing (400) or its size limit (413): nginx answers and closes. */
  private bodyFailed(req: ClientRequest, status: number): void {
    this.feed = null;
    this.phase = 'closing';
    const onFailure = req.onBodyFailure;
    if (onFailure) onFailure(status);
    else if (this.res && !this.res.headersSent) {
      this.res.shouldKeepAlive = false;
      this.endWith(this.settings.errorResponse(status, req.method === 'HEAD' ? 'head' : 'full'));
    } else this.socket.destroy();
  }

  /** ResponseOwner: the response is written. */
  finished(res: ClientResponse): void {
    if (res !== this.res || this.phase === 'gone') return;
    if (!res.shouldKeepAlive || this.draining) {
      this.phase = 'closing';
      this.closeGracefully();
      return;
    }
    if (this.feed && !this.feed.done) {
      // Answered without reading the body (a return, a 404): it is read and dropped first.
      this.feed.discarding = true;
      this.socket.resume();
      this.pumpBody();
      return;
    }
    this.next();
  }

  /** ResponseOwner: the socket leaves for a tunnel. */
  release(): Buffer {
    this.headerDeadline.dispose();
    this.idleDeadline.dispose();
    this.phase = 'gone';
    const socket = this.socket;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onClose);
    socket.off('error', this.onError);
    socket.on('error', ignore);
    // Still counted (and destroyed on shutdown) until the tunnel closes.
    socket.once('close', () => this.onClosed(this));
    const early = this.pending ?? Buffer.alloc(0);
    this.pending = null;
    return early;
  }

  /** The next request on a kept-alive connection, from what the client already sent. */
  private next(): void {
    this.req = null;
    this.res = null;
    this.feed = null;
    this.phase = 'head';
    this.reader = new RequestHeadReader(this.settings.head);
    this.arm(this.idleDeadline);
    if (this.socket.isPaused()) this.socket.resume();
    // After the current call returns: the answered request's log phase comes before the next one.
    if (this.pending !== null) process.nextTick(() => this.servePending());
  }

  /**
   * Pipelined requests already received, one after the other. A loop rather than recursion: a
   * request answered at once would otherwise nest the next one's call inside its own.
   */
  private servePending(): void {
    if (this.serving) return;
    this.serving = true;
    try {
      while (this.phase === 'head' && this.pending !== null) {
        const pending = this.pending;
        this.pending = null;
        this.readHead(pending);
      }
    } finally {
      this.serving = false;
    }
  }

  /** A head nginx refuses: its error page after the answers already owed, then close. */
  private refuse(status: number, form: ErrorForm): Buffer {
    this.disarm();
    this.phase = 'closing';
    const bytes = this.settings.errorResponse(status, form);
    this.endWith(bytes);
    return bytes;
  }

  private endWith(bytes: Buffer): void {
    const { socket } = this;
    if (socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(bytes);
    this.linger();
  }

  private closeGracefully(): void {
    this.socket.end();
    this.linger();
  }

  /** Reads and drops what the client still sends, until it closes or LINGER_MS pass. */
  private linger(): void {
    this.disarm();
    if (this.socket.isPaused()) this.socket.resume();
    this.lingerTimer = setTimeout(() => this.socket.destroy(), LINGER_MS);
    this.lingerTimer.unref();
  }

  private arm(deadline: Deadline): void {
    this.disarm();
    deadline.arm();
  }

  private disarm(): void {
    this.headerDeadline.disarm();
    this.idleDeadline.disarm();
  }

  /** client_header_timeout or keepalive_timeout: nginx closes without an answer. */
  private readonly onTimeout = (): void => {
    if (this.phase === 'head') this.socket.destroy();
  };

  private readonly onEnd = (): void => {
    // A half-close between requests ends the connection; during a body it is a client abort.
    if (this.phase === 'head' || this.phase === 'closing') this.socket.destroy();
    else if (this.feed && !this.feed.done) this.feed.abort();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.headerDeadline.dispose();
    this.idleDeadline.dispose();
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.phase = 'gone';
    this.feed?.abort();
    this.res?.clientGone();
    this.onClosed(this);
  };
}

function ignore(): void {}

/**
 * The body's framing from a head the reader accepted (so Transfer-Encoding is `chunked` alone,
 * without a Content-Length, and Content-Length is digits): its length, or -2 for chunked.
 */
function contentLength(raw: readonly string[]): number {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return -2;
    if (name.length === 14 && name.toLowerCase() === 'content-length') return Number(raw[i + 1]);
  }
  return 0;
}

/** nginx's r->keepalive: HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with `keep-alive`. */
function wantsKeepAlive(req: ClientRequest): boolean {
  if (req.simple) return false;
  // nginx looks for the words anywhere in the value, without case.
  const connection = req.headers.connection?.toLowerCase() ?? '';
  if (connection.includes('close')) return false;
  return req.httpVersionMinor >= 1 || connection.includes('keep-alive');
}
