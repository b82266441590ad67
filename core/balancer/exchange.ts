import type { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  errorPage,
  reasonPhrase,
  sendErrorPage,
  sendGenerated,
  sentStatus,
  startingPage,
} from './error-page';
import type { LocationRoute, ProxyRoute } from './location';
import { FT, isNonIdempotent, RETRYABLE_STATUS, statusFor } from './next-upstream';
import type { Peer } from './peer';
import type { PickState } from './pick-state';
import type { AttemptRecord, RequestRecord } from './record';
import type { ServerBlockConfig } from './config';
import { RequestBody, type BodyLimits } from './request-body';
import { buildRequestHead } from './request-head';
import { watchSend } from './send-timeout';
import { afterSend, dial, paceMs } from './toxic';
import type { UpgradeClient } from './upgrade';
import { filterResponseHeaders, applyAddHeaders } from './response-headers';
import { ResponseParser, type ParseFailure, type ResponseHead } from './response-parser';
import { ipHashKey } from './methods/ip-hash';
import { numberConnection } from './connection-number';
import { answerErrorPage } from './error-page-redirect';
import { invalidHeaderMessage, socketErrorMessage, type UpstreamPhase } from './error-log';
import { requestHost, type VariableContext } from './variables';

/** nginx's proxy_buffer_size on x86-64: the upstream's status line and headers must fit. */
const HEAD_LIMIT = 4096;
/** A chunked client body up to this size is sent with a Content-Length, as nginx always does. */
const CHUNKED_BUFFER_LIMIT = 64 * 1024;
/** Request bodies up to this size are kept so that a retry can resend them. */
const REPLAY_LIMIT = 1024 * 1024;

function ignore(): void {}

/** The 101 the client gets: the upstream's headers (Upgrade, Connection, Sec-WebSocket-*), our Server. */
function switchingHead(head: ResponseHead): string {
  let text = 'HTTP/1.1 101 Switching Protocols\r\nServer: upstream-lab\r\n';
  for (let i = 0; i < head.headers.length; i += 2) {
    const value = head.headers[i + 1]!;
    if (head.headers[i]!.toLowerCase() === 'server' || INVALID_REASON.test(value)) continue;
    text += `${head.headers[i]}: ${value}\r\n`;
  }
  return text + '\r\n';
}

/** Characters outside those Node (and RFC 9110) allow in a reason phrase or a header value. */
const INVALID_REASON = /[^\t\x20-\x7e\x80-\xff]/;

/** The upstream's reason phrase; the standard one instead of one that can't be sent. */
function sendableReason(reason: string, status: number): string | undefined {
  if (reason === '') return undefined;
  return INVALID_REASON.test(reason) ? reasonPhrase(status) : reason;
}

/** The server block's limits on reading a client's body. */
export type ClientLimits = Pick<
  ServerBlockConfig,
  'clientBodyTimeoutMs' | 'clientMaxBodySize' | 'sendTimeoutMs'
>;

/** nginx's wording of the upstream failures the error log records. */
const TIMED_OUT = 'upstream timed out (110: Connection timed out)';
const PREMATURE_CLOSE = 'upstream prematurely closed connection';
const INVALID_HEADER = 'upstream sent invalid header';

function phaseOf(attempt: Attempt): UpstreamPhase {
  if (attempt.head !== null) return 'reading upstream';
  if (!attempt.started) return 'connecting to upstream';
  return attempt.sent ? 'reading response header from upstream' : 'sending request to upstream';
}

/** Where finished requests' records go (the balancer's batcher). */
/** A 503 while replicas start: browsers and load tools may come back soon. */
const STARTING_HEADERS = ['Retry-After', '2'];

export interface RecordSink {
  /** False when nobody listens: then no record is built at all. */
  readonly wanted: boolean;
  push(record: RequestRecord): void;
}

/** One upstream attempt: its socket and parser. Events of a superseded attempt are ignored. */
interface Attempt {
  peer: Peer;
  socket: Socket;
  parser: ResponseParser;
  startMs: number;
  /** The connection came from the keep-alive cache (nginx `pc->cached`). */
  reused: boolean;
  head: ResponseHead | null;
  /** Writing the request began (nginx `request_sent`): POST, PATCH and LOCK can't be retried after. */
  started: boolean;
  /** The whole request (head and body) has been written. */
  sent: boolean;
  record: AttemptRecord | null;
  connectMs?: number;
  bytesReceived: number;
}

/**
 * One client request moving through the upstream: nginx's `ngx_http_upstream_connect` /
 * `ngx_http_upstream_next` / `ngx_http_upstream_finalize_request` loop, with the response streamed.
 */
export class ProxyExchange {
  private readonly state: PickState;
  private readonly ctx: VariableContext;
  private readonly attempts: AttemptRecord[] = [];
  private readonly startMs = Date.now();
  private body: RequestBody | null = null;
  /** Content-Length for the upstream request; -1 when there is none. */
  private bodyLength = -1;
  private attempt: Attempt | null = null;
  private requestHeadText: string | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  /** The response (headers or HTTP/0.9 bytes) has started towards the client. */
  private responding = false;
  private raw09 = false;
  private done = false;
  private bytesSent = 0;
  private status = 0;
  private servedBy: string | null = null;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly route: ProxyRoute,
    private readonly location: LocationRoute,
    serverName: string,
    serverPort: number,
    private readonly records: RecordSink,
    private readonly client: ClientLimits,
    /** An Upgrade handshake: its body and raw socket; a 101 turns the exchange into a tunnel. */
    private readonly upgrade: UpgradeClient | null = null,
  ) {
    this.ctx = {
      req,
      serverName,
      serverPort,
      proxyHost: route.proxyHost,
      startMs: this.startMs,
      attempts: this.attempts,
      status: 0,
    };
    this.state = route.upstream.begin(route.settings.nextUpstreamTries);
    const kind = route.upstream.method.kind;
    if (kind === 'ip_hash') this.state.clientKey = ipHashKey(req.socket.remoteAddress);
    else if (route.hashKey) this.state.key = route.hashKey(this.ctx);
  }

  start(): void {
    this.res.on('close', this.onClientClose);
    const { headers } = this.req;
    if (headers['transfer-encoding'] !== undefined) {
      const body = new RequestBody(this.req, REPLAY_LIMIT, this.bodyLimits());
      this.body = body;
      void body.bufferUpTo(CHUNKED_BUFFER_LIMIT).then((complete) => {
        if (complete) this.bodyLength = body.bufferedLength;
        else body.chunked = true;
        if (!this.done) this.connect();
      });
      return;
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      this.bodyLength = Number(length);
      if (this.bodyLength > 0)
        this.body = new RequestBody(this.upgrade?.body ?? this.req, REPLAY_LIMIT, this.bodyLimits());
    }
    this.connect();
  }

  private bodyLimits(): BodyLimits {
    return {
      idleTimeoutMs: this.client.clientBodyTimeoutMs,
      maxSize: this.client.clientMaxBodySize,
      onIdle: () => this.clientTimedOut(),
      onTooLarge: () => this.rejectBody(413),
    };
  }

  /**
   * The client's body broke: a malformed chunked encoding (nginx: 400 "client sent invalid chunked
   * body") or more than client_max_body_size (413). nginx reads the whole body before it goes
   * upstream; here an attempt may be under way: it is dropped without blaming the peer. The client
   * gets the error page if the response has not begun, and the connection closes.
   */
  rejectBody(status: number): void {
    if (this.done) return;
    this.dropAttempt(status);
    this.res.shouldKeepAlive = false;
    this.fail(status);
  }

  /** client_body_timeout: nginx closes the connection without an answer and logs 408. */
  private clientTimedOut(): void {
    if (this.done) return;
    this.dropAttempt(408);
    this.finish(408);
    this.req.socket.destroy();
  }

  private connect(): void {
    const { upstream } = this.route;
    const now = Date.now();
    const peer = upstream.get(this.state, now);
    if (peer === null) {
      // "no live upstreams": listed under the group name, always ends the request with 502
      // (503 while a lab's replicas are still starting).
      const status = upstream.starting ? 503 : 502;
      this.attempts.push({ peer: upstream.name, addr: upstream.name, status, ms: 0 });
      if (!upstream.starting)
        this.logUpstreamError('no live upstreams', 'connecting to upstream', upstream.name);
      this.fail(status, upstream.starting ? STARTING_HEADERS : undefined);
      return;
    }
    const toxic = peer.toxic;
    const pooled = this.route.keepalive && toxic === null ? upstream.pool.take(peer) : null;
    const socket = pooled ?? new Socket();
    numberConnection(socket);
    const attempt: Attempt = {
      peer,
      socket,
      parser: null as unknown as ResponseParser,
      startMs: now,
      reused: pooled !== null,
      head: null,
      started: false,
      sent: false,
      record: null,
      bytesReceived: 0,
    };
    attempt.parser = new ResponseParser(
      {
        onHead: (head) => this.onHead(attempt, head),
        onBody: (chunk) => this.onBody(attempt, chunk),
        onEnd: () => this.onResponseEnd(attempt),
      },
      HEAD_LIMIT,
      this.req.method === 'HEAD',
      this.upgrade !== null,
    );
    this.attempt = attempt;
    socket.on('data', (chunk: Buffer) => this.onData(attempt, chunk));
    socket.on('end', () => this.onUpstreamEnd(attempt));
    socket.on('error', (error: NodeJS.ErrnoException) => this.onUpstreamError(attempt, error));
    socket.on('close', () => this.onUpstreamError(attempt));
    socket.on('timeout', () => this.onUpstreamTimeout(attempt));
    if (pooled) {
      this.send(attempt);
      return;
    }
    this.connectTimer = setTimeout(() => {
      if (attempt === this.attempt) this.next(FT.timeout, TIMED_OUT);
    }, this.route.settings.connectTimeoutMs);
    socket.once('connect', () => this.send(attempt));
    dial(socket, peer.host, peer.port, toxic, () => attempt === this.attempt);
  }

  private send(attempt: Attempt): void {
    if (attempt !== this.attempt) return;
    this.clearConnectTimer();
    attempt.connectMs = Date.now() - attempt.startMs;
    const { socket } = attempt;
    const { settings } = this.route;
    socket.setTimeout(settings.sendTimeoutMs);
    attempt.started = true;
    socket.write(this.requestHead(), 'latin1');
    const sent = (): void => {
      attempt.sent = true;
      if (attempt === this.attempt && !attempt.head) socket.setTimeout(settings.readTimeoutMs);
    };
    if (this.body) this.body.pipeTo(socket, sent);
    else sent();
    afterSend(socket, attempt.peer.toxic);
  }

  private requestHead(): string {
    this.requestHeadText ??= buildRequestHead(this.req, this.route, this.location, this.ctx, {
      bodyLength: this.bodyLength,
      chunked: this.body?.chunked === true,
      upgrade: this.upgrade !== null,
    });
    return this.requestHeadText;
  }

  private onData(attempt: Attempt, chunk: Buffer): void {
    if (attempt !== this.attempt) return;
    attempt.bytesReceived += chunk.length;
    if (attempt.record) attempt.record.bytesReceived = attempt.bytesReceived;
    try {
      const failure = attempt.parser.execute(chunk);
      if (failure !== null && attempt === this.attempt) this.onParseFailure(attempt, failure);
      else if (attempt.parser.switched && attempt === this.attempt) this.switchProtocols(attempt);
    } catch {
      // Last resort: whatever an upstream sends must not throw out of a socket handler.
      if (attempt === this.attempt) this.abort(attempt, 'response could not be passed on');
      else this.res.destroy();
    }
  }

  private onParseFailure(attempt: Attempt, failure: ParseFailure): void {
    if (attempt.head !== null) this.abort(attempt, failure);
    else if (failure === 'too_big_header') this.next(FT.invalid_header, 'upstream sent too big header');
    else this.next(FT.invalid_header, invalidHeaderMessage(attempt.parser.invalidLine));
  }

  private onHead(attempt: Attempt, head: ResponseHead): void {
    if (attempt !== this.attempt) return;
    attempt.head = head;
    attempt.socket.setTimeout(this.route.settings.readTimeoutMs);
    const ft = RETRYABLE_STATUS.get(head.status);
    if (ft !== undefined && this.mayRetryStatus(attempt, ft)) {
      this.recordAttempt(attempt, head.status);
      this.next(ft);
      return;
    }
    this.recordAttempt(attempt, head.status === 200 && head.version === 9 ? 9 : head.status);
    this.servedBy = attempt.peer.name;
    // A 101 to an Upgrade request opens the tunnel once the parser is done with this packet.
    if (attempt.parser.switched) return;
    this.respond(head);
  }

  /** nginx's `ngx_http_upstream_upgrade`: the handshake is over, bytes now flow both ways. */
  private switchProtocols(attempt: Attempt): void {
    const upgrade = this.upgrade!;
    const head = attempt.head!;
    this.attempt = null;
    this.clearConnectTimer();
    this.body?.detach();
    this.responding = true;
    this.status = 101;
    this.ctx.status = 101;
    const { socket } = attempt;
    for (const event of ['data', 'end', 'error', 'close', 'timeout']) socket.removeAllListeners(event);
    socket.setTimeout(0);
    socket.on('error', ignore);
    this.res.off('close', this.onClientClose);
    this.res.detachSocket(this.req.socket);
    const { settings } = this.route;
    const timeouts = {
      readTimeoutMs: settings.readTimeoutMs,
      sendTimeoutMs: settings.sendTimeoutMs,
      clientSendTimeoutMs: this.client.sendTimeoutMs,
    };
    upgrade.openTunnel(socket, switchingHead(head), attempt.parser.takeRest(), timeouts, () => {
      const now = Date.now();
      if (attempt.record) attempt.record.ms = now - attempt.startMs;
      this.route.upstream.free(this.state, attempt.peer, 'ok', now);
      this.finish(101);
    });
  }

  /** `ngx_http_upstream_test_next`: retry on this status only with tries left and the mask allowing it. */
  private mayRetryStatus(attempt: Attempt, ft: number): boolean {
    let mask = ft;
    if (attempt.started && isNonIdempotent(this.req.method)) mask |= FT.non_idempotent;
    return (
      this.state.tries > 1 &&
      (this.route.mask & mask) === mask &&
      !this.bodyNotReplayable() &&
      !this.retryTimeUp(Date.now())
    );
  }

  private respond(head: ResponseHead): void {
    const intercepted = this.route.settings.interceptErrors && head.status >= 300;
    const errorPageTo = intercepted ? this.location.errorPages.get(head.status) : undefined;
    if (errorPageTo) {
      // proxy_intercept_errors: the upstream's answer is dropped for the error_page.
      this.dropAttempt(head.status);
      this.status = head.status;
      this.closeIfBodyUnread();
      answerErrorPage(this.req, this.res, this.location, errorPageTo, head.status, this.ctx);
      this.finish(this.res.statusCode);
      return;
    }
    this.responding = true;
    this.status = head.status;
    if (head.version === 9) {
      this.raw09 = true;
      return;
    }
    this.ctx.status = head.status;
    this.closeIfBodyUnread();
    const headers = filterResponseHeaders(head.headers);
    applyAddHeaders(headers, this.location.addHeaders, head.status, {
      ...this.ctx,
      upstreamInProgress: true,
      upstreamHeaders: head.headers,
    });
    try {
      this.res.writeHead(head.status, sendableReason(head.reason, head.status), headers);
    } catch {
      // A header Node refuses to send (illegal characters) makes the response unusable.
      this.responding = false;
      this.res.statusMessage = '';
      this.next(FT.invalid_header, INVALID_HEADER);
    }
  }

  private onBody(attempt: Attempt, chunk: Buffer): void {
    if (attempt !== this.attempt) return;
    this.bytesSent += chunk.length;
    const target = this.raw09 ? this.req.socket : this.res;
    const pace = paceMs(attempt.peer.toxic, chunk.length);
    if (pace > 0 && !attempt.socket.isPaused()) {
      attempt.socket.pause();
      setTimeout(() => attempt === this.attempt && attempt.socket.resume(), pace).unref();
    }
    if (!target.write(chunk) && !attempt.socket.isPaused()) {
      // The client is the bottleneck: stop reading the upstream until it drains. proxy_read_timeout
      // only runs while waiting on the upstream (nginx never blames a peer for a slow client).
      attempt.socket.pause();
      attempt.socket.setTimeout(0);
      // send_timeout: a client that stops reading must not hold the peer (and its conns) forever.
      const unwatch = watchSend(this.req.socket, this.client.sendTimeoutMs, () => {
        if (attempt === this.attempt) this.abort(attempt, 'client timed out');
      });
      target.once('drain', () => {
        unwatch();
        if (attempt !== this.attempt) return;
        attempt.socket.setTimeout(this.route.settings.readTimeoutMs);
        attempt.socket.resume();
      });
    }
  }

  private onResponseEnd(attempt: Attempt): void {
    if (attempt !== this.attempt || !this.responding) return;
    this.attempt = null;
    const now = Date.now();
    if (attempt.record) attempt.record.ms = now - attempt.startMs;
    this.route.upstream.free(this.state, attempt.peer, 'ok', now);
    this.release(attempt);
    if (this.raw09) this.req.socket.end();
    else this.res.end();
    const client = this.req.socket;
    if (client.writableLength > 0) watchSend(client, this.client.sendTimeoutMs, () => client.destroy());
    this.finish(this.status);
  }

  /** Returns a cleanly finished connection to the keep-alive cache, or closes it. */
  private release(attempt: Attempt): void {
    const { socket } = attempt;
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    socket.removeAllListeners('error');
    socket.removeAllListeners('close');
    socket.removeAllListeners('timeout');
    socket.setTimeout(0);
    // Paused for a slow client when the response ended: the cache must see the upstream's close.
    if (socket.isPaused()) socket.resume();
    const reusable =
      this.route.keepalive &&
      attempt.sent &&
      attempt.head !== null &&
      !attempt.head.close &&
      attempt.parser.done;
    if (reusable) {
      this.route.upstream.pool.put(attempt.peer, socket, attempt.startMs);
    } else {
      socket.on('error', ignore);
      socket.destroy();
    }
  }

  private onUpstreamEnd(attempt: Attempt): void {
    if (attempt !== this.attempt) return;
    if (attempt.parser.finish()) return;
    if (attempt.head === null) this.next(FT.error, PREMATURE_CLOSE);
    else this.abort(attempt, PREMATURE_CLOSE, true);
  }

  private onUpstreamError(attempt: Attempt, error?: NodeJS.ErrnoException): void {
    if (attempt !== this.attempt) return;
    const message = socketErrorMessage(error, phaseOf(attempt));
    if (attempt.head === null) this.next(FT.error, message);
    else this.abort(attempt, message, true);
  }

  private onUpstreamTimeout(attempt: Attempt): void {
    if (attempt !== this.attempt) return;
    if (attempt.head === null) this.next(FT.timeout, TIMED_OUT);
    else this.abort(attempt, TIMED_OUT, true);
  }

  /** The one place nginx's error_log lines for upstream failures come from. */
  private logUpstreamError(message: string, phase: UpstreamPhase, addr: string): void {
    const logs = this.location.logs;
    if (!logs) return;
    const target = / (\S*) /.exec(this.requestHead())?.[1] ?? '/';
    logs.error.write({
      level: 'error',
      message: `${message} while ${phase}`,
      vars: this.ctx,
      upstream: `http://${addr}${target}`,
    });
  }

  /** `ngx_http_upstream_next`: count the failure, then retry or give the client nginx's error. */
  private next(ftIn: number, error?: string): void {
    const attempt = this.attempt;
    if (attempt === null) return;
    if (error !== undefined) this.logUpstreamError(error, phaseOf(attempt), attempt.peer.addr);
    this.attempt = null;
    this.clearConnectTimer();
    this.body?.detach();
    attempt.socket.destroy();
    const now = Date.now();
    const passive = ftIn === FT.http_403 || ftIn === FT.http_404;
    this.route.upstream.free(this.state, attempt.peer, passive ? 'next' : 'failed', now);
    // nginx gives the try back when a cached keep-alive connection turns out to be dead.
    if (attempt.reused && ftIn === FT.error) this.state.tries++;
    const status = statusFor(ftIn);
    if (attempt.record) attempt.record.ms = now - attempt.startMs;
    else this.recordAttempt(attempt, status);
    let ft = ftIn;
    if (attempt.started && isNonIdempotent(this.req.method)) ft |= FT.non_idempotent;
    if (
      this.state.tries === 0 ||
      (this.route.mask & ft) !== ft ||
      (attempt.started && this.bodyNotReplayable()) ||
      this.retryTimeUp(now)
    ) {
      this.fail(status);
      return;
    }
    if (this.done) return;
    this.connect();
  }

  private bodyNotReplayable(): boolean {
    return this.body !== null && !this.body.replayable;
  }

  private retryTimeUp(now: number): boolean {
    const limit = this.route.settings.nextUpstreamTimeoutMs;
    return limit > 0 && now - this.startMs >= limit;
  }

  private recordAttempt(attempt: Attempt, status: number): void {
    const record = {
      peer: attempt.peer.name,
      addr: attempt.peer.addr,
      status,
      ms: Date.now() - attempt.startMs,
      ...(attempt.connectMs === undefined ? {} : { connectMs: attempt.connectMs }),
      ...(attempt.head === null ? {} : { headerMs: Date.now() - attempt.startMs }),
      bytesReceived: attempt.bytesReceived,
    };
    attempt.record = record;
    this.attempts.push(record);
  }

  /** Answers with nginx's own error page (502, 504, ...). */
  private fail(status: number, extra?: readonly string[]): void {
    if (this.done) return;
    this.status = status;
    this.ctx.status = status;
    if (this.res.headersSent || this.res.destroyed) {
      this.res.destroy();
      this.finish(status);
      return;
    }
    const errorPageTo = extra ? undefined : this.location.errorPages.get(status);
    if (errorPageTo) {
      this.closeIfBodyUnread();
      answerErrorPage(this.req, this.res, this.location, errorPageTo, status, this.ctx);
      this.finish(this.res.statusCode);
      return;
    }
    this.bytesSent = (extra ? startingPage() : errorPage(sentStatus(status))).length;
    const headers = [...(extra ?? [])];
    applyAddHeaders(headers, this.location.addHeaders, status, this.ctx);
    this.closeIfBodyUnread();
    // Both give the reason: a refused upstream answer may have left its own one set.
    if (extra) sendGenerated(this.res, status, startingPage(), 'text/html', headers);
    else sendErrorPage(this.res, status, headers);
    this.finish(status);
  }

  /**
   * A response that starts before the client's body was all read ends the connection: the rest of
   * the body would otherwise be read as the next request (nginx reads the body first).
   */
  private closeIfBodyUnread(): void {
    if (!this.req.complete) this.res.shouldKeepAlive = false;
  }

  /**
   * The response broke after its header was sent: nothing can be retried, the client sees a
   * truncated response (nginx closes the connection), and the peer is freed as a success.
   */
  private abort(attempt: Attempt, reason: string, upstreamError = false): void {
    if (upstreamError) this.logUpstreamError(reason, 'reading upstream', attempt.peer.addr);
    this.attempt = null;
    this.clearConnectTimer();
    this.body?.detach();
    attempt.socket.destroy();
    const now = Date.now();
    if (attempt.record) attempt.record.ms = now - attempt.startMs;
    this.route.upstream.free(this.state, attempt.peer, 'ok', now);
    if (this.raw09) this.req.socket.destroy();
    else this.res.destroy();
    this.finish(this.status);
  }

  private readonly onClientClose = (): void => {
    if (this.done) return;
    // The client went away first (nginx logs 499 and frees the peer as a success).
    this.dropAttempt(499);
    this.finish(499);
  };

  /** Ends the attempt under way for a reason on the client's side: the peer is freed as a success. */
  private dropAttempt(status: number): void {
    const attempt = this.attempt;
    this.attempt = null;
    this.clearConnectTimer();
    this.body?.detach();
    if (!attempt) return;
    attempt.socket.destroy();
    const now = Date.now();
    if (attempt.record) attempt.record.ms = now - attempt.startMs;
    else this.recordAttempt(attempt, status);
    this.route.upstream.free(this.state, attempt.peer, 'ok', now);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) {
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
    }
  }

  private finish(status: number): void {
    if (this.done) return;
    this.done = true;
    this.body?.dispose();
    const logs = this.location.logs;
    if (logs?.wantsAccess) {
      this.ctx.status = status;
      logs.writeAccess({ vars: this.ctx, status, bodyBytesSent: this.bytesSent, endMs: Date.now() });
    }
    if (!this.records.wanted) return;
    const { req } = this;
    const last = this.attempts[this.attempts.length - 1];
    this.records.push({
      time: this.startMs,
      method: req.method ?? '',
      uri: req.url ?? '',
      httpVersion: req.httpVersion,
      host: requestHost(req, this.ctx.serverName),
      clientAddr: req.socket.remoteAddress ?? '',
      userAgent: req.headers['user-agent'] ?? '',
      referer: req.headers.referer ?? '',
      upstream: this.route.upstream.name,
      attempts: this.attempts,
      servedBy: this.servedBy,
      status,
      upstreamMs: last ? last.ms : 0,
      requestMs: Date.now() - this.startMs,
      bytesSent: this.bytesSent,
      bytesReceived: this.body ? this.body.received : 0,
      ...(logs?.accessOff ? { accessLogOff: true as const } : {}),
    });
  }
}
