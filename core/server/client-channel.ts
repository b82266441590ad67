import type { WebSocket } from 'ws';

export interface ChannelLimits {
  /** Past this many bytes waiting for the client, it gets only the lab view; a reply closes it. */
  softBytes: number;
  /** Past this many, it is closed with 1008 whatever comes: it is not reading. */
  hardBytes: number;
  /** A client that does not read will not read our close frame either: dropped after this. */
  closeGraceMs: number;
}

export const DEFAULT_LIMITS: ChannelLimits = {
  softBytes: 4 * 1024 * 1024,
  hardBytes: 32 * 1024 * 1024,
  closeGraceMs: 5_000,
};

/**
 * What is sent: the lab view is the one message a client behind still gets. A `stream` piece (a
 * terminal's output) is its own and cannot be redrawn later: like a reply, never dropped.
 */
export type MessageKind = 'lab' | 'event' | 'reply' | 'stream';

/**
 * One WebSocket client's outgoing messages, bounded: whatever it does not read waits in our
 * memory, so a client that falls behind gets only the lab view (enough to redraw once it catches
 * up) and is closed when a reply would have to be dropped or it falls further behind still.
 */
export class ClientChannel {
  private closing = false;

  constructor(
    readonly ws: WebSocket,
    private readonly limits: ChannelLimits = DEFAULT_LIMITS,
    private readonly onClosed: (reason: string) => void = () => undefined,
  ) {}

  /** Bytes queued for this client and not yet handed to the kernel. */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  get open(): boolean {
    return !this.closing && this.ws.readyState === this.ws.OPEN;
  }

  send(text: string, kind: MessageKind): void {
    if (!this.open) return;
    const behind = this.ws.bufferedAmount;
    if (behind > this.limits.hardBytes) return this.close(behind);
    if (behind > this.limits.softBytes) {
      // An event it misses is redrawn from the next lab view; a reply it misses, never.
      if (kind === 'reply' || kind === 'stream') return this.close(behind);
      if (kind === 'event') return;
    }
    this.ws.send(text);
  }

  private close(behind: number): void {
    this.closing = true;
    const reason = `${Math.round(behind / 1024 / 1024)} MB of messages unread`;
    this.ws.close(1008, reason);
    const timer = setTimeout(() => this.ws.terminate(), this.limits.closeGraceMs);
    timer.unref();
    this.ws.once('close', () => clearTimeout(timer));
    this.onClosed(reason);
  }
}
