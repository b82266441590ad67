import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { watchSend } from './send-timeout';

/** Bytes a client may send past its handshake before the upstream has answered (then it waits). */
const EARLY_LIMIT = 64 * 1024;

/**
 * The client side of an Upgrade request, on the raw socket Node hands over: its Content-Length
 * body as a stream (sent upstream as a body, like any other), and the bytes after it kept aside.
 * After the upstream's 101 they open the tunnel; after any other answer they are the next
 * request on a connection that goes back to the HTTP server, as nginx reads them.
 */
export class UpgradeClient {
  readonly body: Readable | null;
  private remaining: number;
  private early: Buffer[] = [];
  private earlySize = 0;
  private readonly onData = (chunk: Buffer): void => this.take(chunk);

  constructor(
    readonly socket: Socket,
    head: Buffer,
    bodyLength: number,
    private readonly server: Server,
  ) {
    this.remaining = Math.max(0, bodyLength);
    this.body = this.remaining > 0 ? new Readable({ read: () => socket.resume() }) : null;
    if (head.length > 0) this.take(head);
    socket.on('data', this.onData);
    if (this.body) socket.on('close', () => this.body?.destroy());
  }

  /** The whole body has been read off the socket. */
  get bodyComplete(): boolean {
    return this.remaining === 0;
  }

  private take(chunk: Buffer): void {
    let data = chunk;
    if (this.remaining > 0 && this.body) {
      const part = data.subarray(0, this.remaining);
      this.remaining -= part.length;
      data = data.subarray(part.length);
      const more = this.body.push(part);
      if (this.remaining === 0) this.body.push(null);
      else if (!more) this.socket.pause();
    }
    if (data.length > 0) {
      this.early.push(data);
      this.earlySize += data.length;
      if (this.earlySize >= EARLY_LIMIT) this.socket.pause();
    }
  }

  /** Stops reading for the handshake; returns what came after the body. */
  private detach(): Buffer {
    this.socket.off('data', this.onData);
    const early = Buffer.concat(this.early);
    this.early = [];
    return early;
  }

  /**
   * The upstream answered 101: `head` goes to the client, then bytes flow both ways until either
   * side closes, or proxy_read_timeout passes with no traffic, or a write makes no progress for
   * proxy_send_timeout (to the upstream) or send_timeout (to the client).
   */
  openTunnel(
    upstream: Socket,
    head: string,
    fromUpstream: Buffer,
    timeouts: TunnelTimeouts,
    closed: () => void,
  ): void {
    const client = this.socket;
    const early = this.detach();
    let done = false;
    const close = (): void => {
      if (done) return;
      done = true;
      client.destroy();
      upstream.destroy();
      closed();
    };
    client.on('error', close);
    client.on('close', close);
    upstream.on('error', close);
    upstream.on('close', close);
    upstream.on('end', close);
    client.on('end', close);
    upstream.setTimeout(timeouts.readTimeoutMs, close);
    client.write(head, 'latin1');
    if (fromUpstream.length > 0) client.write(fromUpstream);
    if (early.length > 0) upstream.write(early);
    relay(client, upstream, timeouts.sendTimeoutMs, close);
    relay(upstream, client, timeouts.clientSendTimeoutMs, close);
    client.resume();
    upstream.resume();
  }

  /**
   * The upstream's answer was not a 101 and has been sent: the connection goes back to the HTTP
   * server with what the client sent after the handshake, or closes if it can't be reused.
   */
  continueHttp(keepAlive: boolean): void {
    const early = this.detach();
    const { socket } = this;
    if (!keepAlive || !this.bodyComplete || socket.destroyed) {
      socket.destroySoon();
      return;
    }
    if (early.length > 0) socket.unshift(early);
    this.server.emit('connection', socket);
    socket.resume();
  }
}

export interface TunnelTimeouts {
  readTimeoutMs: number;
  sendTimeoutMs: number;
  clientSendTimeoutMs: number;
}

/** One direction of the tunnel with backpressure; a write that stalls too long closes it. */
function relay(from: Socket, to: Socket, sendTimeoutMs: number, close: () => void): void {
  from.on('data', (chunk: Buffer) => {
    if (to.write(chunk) || from.isPaused()) return;
    from.pause();
    const unwatch = watchSend(to, sendTimeoutMs, close);
    to.once('drain', () => {
      unwatch();
      from.resume();
    });
  });
}
