import type { ClientResponse } from '../http1/client-response';
import { watchSend } from './send-timeout';
import { paceMs } from './toxic';
import type { UpstreamLink } from './upstream-link';

export interface PipeTimeouts {
  /** proxy_read_timeout: only while waiting on the upstream. */
  readTimeoutMs: number;
  /** send_timeout: a client that stops reading must not hold the peer forever. */
  clientSendTimeoutMs: number;
}

/**
 * nginx's response pipe (ngx_event_pipe without buffering to disk): the upstream's body goes to
 * the client as it arrives; when the client can't take more, the upstream is not read until it
 * drains (and proxy_read_timeout waits meanwhile: nginx never blames a peer for a slow client);
 * a bandwidth toxic paces it. What one read of the upstream brought goes out in one write (so
 * one chunk for a chunked client, as nginx's chunked filter makes one per output). An HTTP/0.9
 * upstream's bytes go out raw, without a head.
 */
export class ResponsePipe {
  /** Body bytes passed on (`$body_bytes_sent`). */
  bytesSent = 0;
  private readonly batch: Buffer[] = [];
  private batchLink: UpstreamLink | null = null;
  private batchCurrent: () => boolean = () => false;
  private batchStuck: () => void = () => undefined;

  constructor(
    private readonly res: ClientResponse,
    private readonly timeouts: PipeTimeouts,
    private readonly raw: boolean,
  ) {}

  /**
   * Passes `chunk` from `link`; `current` tells whether the attempt still owns the response, and
   * `stuck` runs when the client stops reading for send_timeout.
   */
  write(link: UpstreamLink, chunk: Buffer, current: () => boolean, stuck: () => void): void {
    this.bytesSent += chunk.length;
    this.batch.push(chunk);
    this.batchLink = link;
    this.batchCurrent = current;
    this.batchStuck = stuck;
  }

  /** The read is over: what it brought goes to the client. */
  flush(): void {
    const link = this.batchLink;
    if (link === null || this.batch.length === 0) return;
    const chunk = this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch);
    this.batch.length = 0;
    const current = this.batchCurrent;
    const stuck = this.batchStuck;
    const upstream = link.socket;
    const pace = paceMs(link.peer.toxic, chunk.length);
    if (pace > 0 && !upstream.isPaused()) {
      upstream.pause();
      setTimeout(() => current() && upstream.resume(), pace).unref();
    }
    const client = this.res.socket;
    const more = this.raw ? client.write(chunk) : this.res.write(chunk);
    if (more || upstream.isPaused()) return;
    upstream.pause();
    link.idleTimeout(0);
    const unwatch = watchSend(client, this.timeouts.clientSendTimeoutMs, () => {
      if (current()) stuck();
    });
    client.once('drain', () => {
      unwatch();
      if (!current()) return;
      link.idleTimeout(this.timeouts.readTimeoutMs);
      upstream.resume();
    });
  }

  /** The upstream's response ended: so does the client's; a slow reader still has send_timeout. */
  end(): void {
    this.flush();
    const client = this.res.socket;
    if (this.raw) client.end();
    else this.res.end();
    if (client.writableLength > 0)
      watchSend(client, this.timeouts.clientSendTimeoutMs, () => client.destroy());
  }

  /** The response broke after its head went out: the client sees it truncated. */
  abort(): void {
    this.batch.length = 0;
    if (this.raw) this.res.socket.destroy();
    else this.res.destroy();
  }
}
