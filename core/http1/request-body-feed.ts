import { Readable } from 'node:stream';
import { ChunkedDecoder } from './chunked-decoder';

/** What a body feed tells the connection after a packet. */
export type FeedStep =
  /** More body bytes are expected. */
  | { kind: 'more' }
  /** The body ended; `rest` followed it in the packet (the next request). */
  | { kind: 'done'; rest: Buffer }
  /** The chunked framing broke (nginx: "client sent invalid chunked body"). */
  | { kind: 'invalid' }
  /** A chunk size takes the body past client_max_body_size ("client intended to send too large chunked body"). */
  | { kind: 'too-large' };

/**
 * A request body read off the connection into a stream: exactly Content-Length bytes, or chunks
 * decoded as nginx does. The stream's backpressure pauses the socket (`pause` / `resume` given
 * by the connection).
 */
export class RequestBodyFeed {
  readonly stream: Readable;
  private remaining: number;
  private readonly decoder: ChunkedDecoder | null;
  private finished = false;
  /** Nobody reads the body (answered without it): its bytes are dropped as they come. */
  discarding = false;

  constructor(
    length: number,
    chunked: boolean,
    private readonly pause: () => void,
    resume: () => void,
    /** client_max_body_size as the request's server decided it; 0 = any. */
    private readonly maxSize: () => number = () => 0,
  ) {
    this.remaining = chunked ? -1 : length;
    this.decoder = chunked ? new ChunkedDecoder() : null;
    this.stream = new Readable({ read: resume });
  }

  get done(): boolean {
    return this.finished;
  }

  feed(chunk: Buffer): FeedStep {
    if (this.decoder) {
      const step = this.decoder.execute(chunk, this.onData);
      if (step === 'invalid') return { kind: 'invalid' };
      const max = this.maxSize();
      if (max > 0 && this.decoder.announced > max) return { kind: 'too-large' };
      if (step === 'more') return { kind: 'more' };
      this.end();
      return { kind: 'done', rest: this.decoder.rest };
    }
    const take = Math.min(this.remaining, chunk.length);
    this.remaining -= take;
    this.onData(take === chunk.length ? chunk : chunk.subarray(0, take));
    if (this.remaining > 0) return { kind: 'more' };
    this.end();
    return { kind: 'done', rest: chunk.subarray(take) };
  }

  /** The client closed before the body ended. */
  abort(): void {
    if (!this.finished) this.stream.destroy();
  }

  private readonly onData = (data: Buffer): void => {
    if (this.discarding || data.length === 0) return;
    if (!this.stream.push(data)) this.pause();
  };

  private end(): void {
    this.finished = true;
    if (!this.discarding) this.stream.push(null);
  }
}
