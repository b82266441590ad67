import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import { invalidHeaderMessage, socketErrorMessage, type UpstreamPhase } from './error-log';
import { answerErrorPage } from './error-page-redirect';
import { openExchangeBody, type ExchangeBody } from './exchange-body';
import { passResponse, sendFailure } from './http-pass';
import { initRequest } from './init-request';
import { writeAccessLog } from './log-phase';
import type { LocationRoute, ProxyRoute } from './location';
import { FT, isNonIdempotent, RETRYABLE_STATUS, statusFor } from './next-upstream';
import { evaluatePass, resolvePass, type DynamicPass } from './pass-target';
import type { PassUrl } from './pass-url';
import type { PickState } from './pick-state';
import type { AttemptRecord } from './record';
import type { RequestBody } from './request-body';
import { buildRequestHead } from './request-head';
import { requestRecord } from './request-record';
import { ResponseParser, type ParseFailure, type ResponseHead } from './response-parser';
import type { ResponsePipe } from './response-pipe';
import type { Redirect, Site } from './site';
import { afterSend } from './toxic';
import { switchProtocols } from './upgrade-pass';
import { attemptRecord, bytesSent, phaseOf, reusable, type Attempt } from './upstream-attempt';
import { currentMethod, type VariableContext } from './variables';

export type { ClientLimits } from './exchange-body';
export type { RecordSink } from './request-record';

/** nginx's proxy_buffer_size on x86-64: the upstream's status line and headers must fit. */
const HEAD_LIMIT = 4096;

/** nginx's wording of the upstream failures the error log records. */
const TIMED_OUT = 'upstream timed out (110: Connection timed out)';
const PREMATURE_CLOSE = 'upstream prematurely closed connection';

/**
 * One client request moving through the upstream: nginx's `ngx_http_upstream_connect` /
 * `ngx_http_upstream_next` / `ngx_http_upstream_finalize_request` loop. The attempt loop is the
 * one place a peer is freed (`freeAttempt`); the protocol pass (HTTP, or Upgrade when asked)
 * decides what a response head means; the body goes through the response pipe; connections come
 * from the upstream's peer connections (keep-alive cache and toxics). An error_page to a proxying
 * location hands the request to a new exchange there (`site.serve`), which logs it when it ends.
 */
export class ProxyExchange {
  /** Set before the attempt loop starts: at once, or once a proxy_pass with variables is resolved. */
  private route!: ProxyRoute;
  private state!: PickState;
  private readonly pass: DynamicPass | null;
  /** For the request record: the upstream, or the evaluated host when none was reached. */
  private upstreamName = '';
  private readonly ctx: VariableContext;
  private readonly attempts: AttemptRecord[];
  /** This location's own start, for proxy_next_upstream_timeout. */
  private readonly startMs = Date.now();
  /** The client's body broke (400, 413): an error_page target gets none. */
  private bodyBroken = false;
  private body: RequestBody | null = null;
  /** Content-Length for the upstream request; -1 when there is none. */
  private bodyLength = -1;
  private attempt: Attempt | null = null;
  private requestHeadText: string | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  /** The response (headers or HTTP/0.9 bytes) has started towards the client. */
  private pipe: ResponsePipe | null = null;
  private done = false;
  private status = 0;
  private servedBy: string | null = null;

  constructor(
    private readonly req: ClientRequest,
    private readonly res: ClientResponse,
    private readonly location: LocationRoute,
    private readonly site: Site,
    /** The Upgrade pass: a 101 turns the exchange into a tunnel. */
    private readonly upgrade = false,
    /** The error_page that brought the request here; none for the location it matched. */
    private readonly redirect?: Redirect,
  ) {
    this.pass = location.pass;
    if (redirect) {
      this.ctx = redirect.ctx;
      this.ctx.proxyHost = location.proxy?.proxyHost ?? '';
      // nginx's empty upstream state between the two locations' attempts (` : ` in $upstream_addr).
      if (this.ctx.attempts.length > 0) this.ctx.redirectedAfter = this.ctx.attempts.length;
    } else {
      this.ctx = {
        req,
        serverName: site.route.serverName,
        serverPort: site.port,
        proxyHost: location.proxy?.proxyHost ?? '',
        startMs: this.startMs,
        attempts: [],
        status: 0,
      };
    }
    this.attempts = this.ctx.attempts;
    if (location.proxy) this.useRoute(location.proxy);
    else if (!this.pass) throw new Error(`location "${location.config.path}" does not proxy`);
  }

  private get client(): Site['client'] {
    return this.site.client;
  }

  start(): void {
    this.res.on('close', this.onClientClose);
    const url = this.pass && evaluatePass(this.pass, this.ctx);
    if (url && 'error' in url) {
      this.refuseTarget(500, url.error);
      return;
    }
    if (url) this.ctx.proxyHost = this.upstreamName = url.hostHeader;
    const given = this.redirect?.body;
    if (given) {
      this.body = given.body;
      this.bodyLength = given.length;
      this.begin(url);
      return;
    }
    const on = { idle: () => this.clientTimedOut(), tooLarge: () => this.rejectBody(413) };
    // `ready` may run before openExchangeBody returns: the body is taken from it.
    this.body = openExchangeBody(this.req, this.client, on, ({ body, length }) => {
      this.body = body;
      this.bodyLength = length;
      if (!this.done) this.begin(url);
    });
  }

  /** As nginx, a proxy_pass with variables is resolved once the body is read, before any attempt. */
  private begin(url: PassUrl | null): void {
    if (url === null || this.pass === null) {
      this.connect();
      return;
    }
    resolvePass(this.pass, url, (outcome) => {
      if (this.done) return;
      if ('error' in outcome) {
        this.refuseTarget(outcome.status, outcome.error);
        return;
      }
      this.useRoute(outcome.route);
      this.connect();
    });
  }

  private useRoute(route: ProxyRoute): void {
    this.route = route;
    this.upstreamName = route.upstream.name;
    this.state = initRequest(route, this.req, this.ctx);
  }

  /** The evaluated proxy_pass can't be used: nginx's error-log line (no upstream yet) and status. */
  private refuseTarget(status: number, message: string): void {
    this.location.logs?.error.write({ level: 'error', message, vars: this.ctx });
    this.fail(status);
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
    this.bodyBroken = true;
    this.fail(status);
  }

  /** client_body_timeout: nginx closes the connection without an answer and logs 408. */
  private clientTimedOut(): void {
    if (this.done) return;
    this.dropAttempt(408);
    this.finish(408);
    this.req.socket.destroy();
  }

  // ---- the attempt loop ---------------------------------------------------------------------

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
      this.fail(status, upstream.starting);
      return;
    }
    const { link, reused } = upstream.connections.get(peer, now);
    const { socket } = link;
    const attempt: Attempt = {
      peer,
      link,
      parser: null as unknown as ResponseParser,
      startMs: now,
      reused,
      head: null,
      started: false,
      sent: false,
      record: null,
      bytesReceived: 0,
      writtenBefore: socket.bytesWritten,
    };
    attempt.parser = new ResponseParser(
      {
        onHead: (head) => this.onHead(attempt, head),
        onBody: (chunk) => this.onBody(attempt, chunk),
        onEnd: () => this.onResponseEnd(attempt),
      },
      HEAD_LIMIT,
      this.req.method === 'HEAD',
      this.upgrade,
    );
    this.attempt = attempt;
    link.hold({
      onData: (chunk) => this.onData(attempt, chunk),
      onEnd: () => this.onUpstreamEnd(attempt),
      onFailure: (error) => this.onUpstreamError(attempt, error),
      onTimeout: () => this.onUpstreamTimeout(attempt),
    });
    if (reused) {
      this.send(attempt);
      return;
    }
    this.connectTimer = setTimeout(() => {
      if (attempt === this.attempt) this.next(FT.timeout, TIMED_OUT);
    }, this.route.settings.connectTimeoutMs);
    socket.once('connect', () => this.send(attempt));
  }

  private send(attempt: Attempt): void {
    if (attempt !== this.attempt) return;
    this.clearConnectTimer();
    attempt.connectMs = Date.now() - attempt.startMs;
    const { socket } = attempt.link;
    const { settings } = this.route;
    attempt.link.idleTimeout(settings.sendTimeoutMs);
    attempt.started = true;
    socket.write(this.requestHead(), 'latin1');
    const sent = (): void => {
      attempt.sent = true;
      if (attempt === this.attempt && !attempt.head) attempt.link.idleTimeout(settings.readTimeoutMs);
    };
    if (this.body) this.body.pipeTo(socket, sent);
    else sent();
    afterSend(socket, attempt.peer.toxic);
  }

  /** The protocol pass's request: the HTTP head, or the Upgrade handshake's. */
  private requestHead(): string {
    this.requestHeadText ??= buildRequestHead(this.route, this.location, this.ctx, {
      bodyLength: this.bodyLength,
      chunked: this.body?.chunked === true,
      upgrade: this.upgrade,
    });
    return this.requestHeadText;
  }

  private onData(attempt: Attempt, chunk: Buffer): void {
    if (attempt !== this.attempt) return;
    attempt.bytesReceived += chunk.length;
    if (attempt.record) attempt.record.bytesReceived = attempt.bytesReceived;
    try {
      const failure = attempt.parser.execute(chunk);
      if (attempt === this.attempt) this.pipe?.flush();
      if (failure !== null && attempt === this.attempt) this.onParseFailure(attempt, failure);
      else if (attempt.parser.switched && attempt === this.attempt) this.tunnel(attempt);
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

  /** The protocol pass's `process_header`: retry on the status, or answer the client with it. */
  private onHead(attempt: Attempt, head: ResponseHead): void {
    if (attempt !== this.attempt) return;
    attempt.head = head;
    attempt.link.idleTimeout(this.route.settings.readTimeoutMs);
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
    this.respond(attempt, head);
  }

  /** The Upgrade pass after a 101: the attempt ends as a success when the tunnel closes. */
  private tunnel(attempt: Attempt): void {
    this.attempt = null;
    this.clearConnectTimer();
    this.body?.detach();
    this.status = 101;
    this.ctx.status = 101;
    this.res.off('close', this.onClientClose);
    const { settings } = this.route;
    const timeouts = {
      readTimeoutMs: settings.readTimeoutMs,
      sendTimeoutMs: settings.sendTimeoutMs,
      clientSendTimeoutMs: this.client.sendTimeoutMs,
    };
    switchProtocols(this.res, attempt.link, attempt.head!, attempt.parser.takeRest(), timeouts, () => {
      const now = Date.now();
      if (attempt.record) attempt.record.ms = now - attempt.startMs;
      this.freeAttempt(attempt, 'ok', now, false);
      this.finish(101);
    });
  }

  /** `ngx_http_upstream_test_next`: retry on this status only with tries left and the mask allowing it. */
  private mayRetryStatus(attempt: Attempt, ft: number): boolean {
    let mask = ft;
    if (attempt.started && isNonIdempotent(currentMethod(this.ctx))) mask |= FT.non_idempotent;
    return (
      this.state.tries > 1 &&
      (this.route.mask & mask) === mask &&
      !this.bodyNotReplayable() &&
      !this.retryTimeUp(Date.now())
    );
  }

  private respond(attempt: Attempt, head: ResponseHead): void {
    const { settings } = this.route;
    if (!this.req.complete) this.res.shouldKeepAlive = false;
    if (settings.interceptErrors && head.status >= 300 && this.location.errorPages.has(head.status)) {
      // proxy_intercept_errors: the upstream's answer is dropped for the error_page (or, after
      // one, for the plain page).
      this.dropAttempt(head.status);
      this.fail(head.status);
      return;
    }
    const errStatus = this.redirect?.status ?? 0;
    this.status = errStatus || head.status;
    const timeouts = {
      readTimeoutMs: settings.readTimeoutMs,
      clientSendTimeoutMs: this.client.sendTimeoutMs,
    };
    this.pipe = passResponse(this.res, this.location, head, this.ctx, timeouts, errStatus);
  }

  private onBody(attempt: Attempt, chunk: Buffer): void {
    if (attempt !== this.attempt) return;
    this.pipe!.write(
      attempt.link,
      chunk,
      () => attempt === this.attempt,
      () => this.abort(attempt, 'client timed out'),
    );
  }

  private onResponseEnd(attempt: Attempt): void {
    if (attempt !== this.attempt || this.pipe === null) return;
    this.attempt = null;
    const now = Date.now();
    if (attempt.record) attempt.record.ms = now - attempt.startMs;
    this.freeAttempt(attempt, 'ok', now, reusable(attempt));
    this.pipe.end();
    this.finish(this.status);
  }

  /**
   * `free` of the balancing method and of the connection: the one place an attempt ends. The
   * connection goes back to the peer connections (the keep-alive cache keeps a reusable one).
   */
  private freeAttempt(
    attempt: Attempt,
    outcome: 'ok' | 'failed' | 'next',
    now: number,
    reuse: boolean,
  ): void {
    this.route.upstream.free(this.state, attempt.peer, outcome, now);
    if (attempt.record) attempt.record.bytesSent = bytesSent(attempt);
    const { link } = attempt;
    if (link.user === null && !reuse) return;
    link.hold(null);
    // Paused for a slow client when the response ended: the cache must see the upstream's close.
    if (link.socket.isPaused()) link.socket.resume();
    this.route.upstream.connections.free(link, reuse);
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
    const now = Date.now();
    const passive = ftIn === FT.http_403 || ftIn === FT.http_404;
    this.freeAttempt(attempt, passive ? 'next' : 'failed', now, false);
    // nginx gives the try back when a cached keep-alive connection turns out to be dead.
    if (attempt.reused && ftIn === FT.error) this.state.tries++;
    const status = statusFor(ftIn);
    if (attempt.record) attempt.record.ms = now - attempt.startMs;
    else this.recordAttempt(attempt, status);
    let ft = ftIn;
    if (attempt.started && isNonIdempotent(currentMethod(this.ctx))) ft |= FT.non_idempotent;
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
    const record = attemptRecord(attempt, status, Date.now());
    attempt.record = record;
    this.attempts.push(record);
  }

  // ---- finalizing ---------------------------------------------------------------------------

  /** Answers with nginx's own error page (502, 504, ...); `starting`: the lab's replicas are. */
  private fail(status: number, starting = false): void {
    if (this.done) return;
    this.status = status;
    this.ctx.status = status;
    if (this.res.headersSent || this.res.destroyed) {
      this.res.destroy();
      this.finish(status);
      return;
    }
    this.closeIfBodyUnread();
    if (!starting && this.errorPage(status)) return;
    sendFailure(this.res, this.location, status, this.ctx, starting);
    this.finish(this.res.statusCode);
  }

  /**
   * ngx_http_special_response_handler: the location's error_page for `status`, at most once per
   * request (recursive_error_pages off). A proxying target takes the request over with the body.
   */
  private errorPage(status: number): boolean {
    const page = this.redirect ? undefined : this.location.errorPages.get(status);
    if (!page) return false;
    this.done = true;
    this.res.off('close', this.onClientClose);
    const at = answerErrorPage(
      this.req,
      this.res,
      this.site,
      this.location,
      page,
      status,
      this.ctx,
      this.handedBody(),
    );
    if (at !== null) this.writeLogs(at, this.ctx.status);
    return true;
  }

  /** The body for an error_page target: one no longer kept whole can't be sent again. */
  private handedBody(): ExchangeBody {
    const body = this.body;
    if (this.bodyBroken || (body !== null && !body.replayable)) {
      this.res.shouldKeepAlive = false;
      body?.dispose();
      return { body: null, length: -1 };
    }
    return { body, length: this.bodyLength };
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
    const now = Date.now();
    if (attempt.record) attempt.record.ms = now - attempt.startMs;
    this.freeAttempt(attempt, 'ok', now, false);
    if (this.pipe) this.pipe.abort();
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
    const now = Date.now();
    if (attempt.record) attempt.record.ms = now - attempt.startMs;
    else this.recordAttempt(attempt, status);
    this.freeAttempt(attempt, 'ok', now, false);
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
    this.writeLogs(this.location, status);
  }

  /** The request ends here: the access log of the location that answered, and the record. */
  private writeLogs(location: LocationRoute, status: number): void {
    this.body?.dispose();
    const bytesSent = this.pipe ? this.pipe.bytesSent : this.res.bodyBytes;
    const bytesReceived = this.body ? this.body.received : 0;
    this.ctx.requestBodyBytes = bytesReceived;
    writeAccessLog(location, this.ctx, this.res, status, bytesSent);
    const { records } = this.site;
    if (!records.wanted) return;
    const facts = {
      startMs: this.ctx.startMs,
      serverName: this.ctx.serverName,
      upstream: this.upstreamName,
      attempts: this.attempts,
      servedBy: this.servedBy,
      status,
      bytesSent,
      bytesReceived,
      accessLogOff: location.logs?.accessOff === true,
    };
    records.push(requestRecord(this.req, facts, Date.now()));
  }
}
