import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

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
    this.req.resume();
  };

  constructor(
    private readonly req: IncomingMessage,
    private readonly replayLimit: number,
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
          if (!this.ended) this.req.pause();
          resolve(this.ended);
        }
      };
      this.listen();
      this.req.on('data', check);
      this.req.on('end', check);
      this.req.on('close', check);
      this.req.resume();
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
    this.req.resume();
  }

  /** Stops feeding the current attempt (it failed or the response has been decided). */
  detach(): void {
    if (this.sink) this.sink.off('drain', this.onDrain);
    this.sink = null;
    this.onSent = null;
    if (!this.ended) this.req.pause();
  }

  private listening = false;

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.req.on('data', this.onData);
    this.req.on('end', this.onEnd);
  }

  private push(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.replayable) {
      if (this.size <= this.replayLimit) this.chunks.push(chunk);
      else {
        this.replayable = false;
        this.chunks.length = 0;
      }
    }
    if (this.sink && !this.write(this.sink, chunk)) this.req.pause();
  }

  private finish(): void {
    this.ended = true;
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
