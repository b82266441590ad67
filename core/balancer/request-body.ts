import type { Readable } from 'node:stream';
import type { Socket } from 'node:net';

/** nginx's client_body_timeout and client_max_body_size for a body, and what breaking them does. */
export interface BodyLimits {
  /** The longest wait for the client between two reads of the body; 0 = none. */
  idleTimeoutMs: number;
  /** Bytes allowed (checked as they arrive: a chunked body has no length up front); 0 = any. */
  maxSize: number;
  onIdle(): void;
  onTooLarge(): void;
}

/**
 * The client's request body, streamed to the current upstream attempt with backpressure and kept
 * in memory up to `replayLimit` so a retry can send it again. Past that limit the body is no longer
 * replayable, and (as nginx with `proxy_request_buffering off`) a request whose body has been sent
 * is not retried.
 */
export class RequestBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  replayable = true;
  ended = false;
  /** Re-frame as chunked for the upstream (a client chunked body too large to send with a length). */
  chunked = false;
  private sink: Socket | null = null;
  private onSent: (() => void) | null = null;
  private readonly onData = (chunk: Buffer): void => this.push(chunk);
  private readonly onEnd = (): void => this.finish();
  private readonly onDrain = (): void => {
    this.flow();
  };
  /** Reading from the client (not paused by us): client_body_timeout runs. */
  private waiting = false;
  private timer: NodeJS.Timeout | null = null;
  private tooLarge = false;

  constructor(
    /** The client's request (or, for an Upgrade handshake, its body read off the raw socket). */
    private readonly req: Readable,
    private readonly replayLimit: number,
    private readonly limits?: BodyLimits,
  ) {}

  /** Bytes received from the client so far. */
  get received(): number {
    return this.size;
  }

  /** Reads the whole body when it fits in `limit` bytes: true if it ended within the limit. */
  bufferUpTo(limit: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.ended || this.size > limit || this.req.destroyed) {
          this.req.off('data', check);
          this.req.off('end', check);
          this.req.off('close', check);
          if (!this.ended) this.stall();
          resolve(this.ended);
        }
      };
      this.listen();
      this.req.on('data', check);
      this.req.on('end', check);
      this.req.on('close', check);
      this.flow();
      check();
    });
  }

  get bufferedLength(): number {
    return this.size;
  }

  /** Sends what was kept, then the rest as it arrives; `sent` fires once the whole body is written. */
  pipeTo(socket: Socket, sent: () => void): void {
    this.sink = socket;
    this.onSent = sent;
    for (const chunk of this.chunks) this.write(socket, chunk);
    this.listen();
    if (this.ended) {
      this.complete();
      return;
    }
    socket.on('drain', this.onDrain);
    this.flow();
  }

  /** Stops feeding the current attempt (it failed or the response has been decided). */
  detach(): void {
    if (this.sink) this.sink.off('drain', this.onDrain);
    this.sink = null;
    this.onSent = null;
    if (!this.ended) this.stall();
  }

  /** The exchange is over: no more timeout, and nothing kept for a retry. */
  dispose(): void {
    this.stopTimer();
    this.chunks.length = 0;
  }

  private stopTimer(): void {
    this.waiting = false;
    if (this.timer) clearTimeout(this.timer);
  }

  private flow(): void {
    this.req.resume();
    const ms = this.limits?.idleTimeoutMs ?? 0;
    if (ms <= 0 || this.ended) return;
    this.waiting = true;
    if (this.timer) this.timer.refresh();
    else {
      this.timer = setTimeout(this.onTimer, ms);
      this.timer.unref();
    }
  }

  private stall(): void {
    this.req.pause();
    this.waiting = false;
  }

  private readonly onTimer = (): void => {
    if (this.waiting && !this.ended && !this.req.destroyed) this.limits?.onIdle();
  };

  private listening = false;

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.req.on('data', this.onData);
    this.req.on('end', this.onEnd);
  }

  private push(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.waiting) this.timer?.refresh();
    const max = this.limits?.maxSize ?? 0;
    if (max > 0 && this.size > max) {
      if (!this.tooLarge) {
        this.tooLarge = true;
        this.limits?.onTooLarge();
      }
      return;
    }
    if (this.replayable) {
      if (this.size <= this.replayLimit) this.chunks.push(chunk);
      else {
        this.replayable = false;
        this.chunks.length = 0;
      }
    }
    if (this.sink && !this.write(this.sink, chunk)) this.stall();
  }

  private finish(): void {
    this.ended = true;
    this.stopTimer();
    if (this.sink) this.complete();
  }

  private write(socket: Socket, chunk: Buffer): boolean {
    if (!this.chunked) return socket.write(chunk);
    socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
    socket.write(chunk);
    return socket.write('\r\n', 'latin1');
  }

  private complete(): void {
    if (this.chunked && this.sink) this.sink.write('0\r\n\r\n', 'latin1');
    const sent = this.onSent;
    this.detach();
    sent?.();
  }

  /** Kept chunks, for sending a small chunked body with a Content-Length. */
  get kept(): readonly Buffer[] {
    return this.chunks;
  }
}
