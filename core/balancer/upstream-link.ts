import { Socket } from 'node:net';
import { numberConnection } from './connection-number';
import type { Peer } from './peer';

/** Whoever holds an upstream connection: the attempt using it, or the keep-alive cache. */
export interface LinkUser {
  onData(chunk: Buffer): void;
  onEnd(): void;
  /** An error, or the connection closed (then without one). */
  onFailure(error?: NodeJS.ErrnoException): void;
  onTimeout(): void;
}

/**
 * One connection to a peer (nginx's `ngx_peer_connection_t`): its socket's listeners are attached
 * once and pass each event to the current user, so an attempt taking a cached connection costs
 * no listener bookkeeping. Counts what keepalive_requests and keepalive_time need.
 */
export class UpstreamLink {
  readonly socket: Socket;
  user: LinkUser | null = null;
  /** Responses read on this connection (nginx `c->requests`). */
  requests = 0;
  /** The address dialled: a peer moved since (a replaced replica) is not reached through it again. */
  readonly addr: string;

  constructor(
    readonly peer: Peer,
    readonly openedAt: number,
  ) {
    const socket = new Socket();
    this.socket = socket;
    this.addr = peer.addr;
    peer.links.add(this);
    numberConnection(socket);
    socket.on('data', (chunk: Buffer) => this.user?.onData(chunk));
    socket.on('end', () => this.user?.onEnd());
    socket.on('error', (error: NodeJS.ErrnoException) => this.user?.onFailure(error));
    socket.on('close', () => {
      peer.links.delete(this);
      this.user?.onFailure();
    });
    socket.on('timeout', () => this.user?.onTimeout());
  }

  private timeoutMs = 0;

  /**
   * The socket's inactivity timeout (proxy_connect/send/read_timeout, keepalive_timeout in the
   * cache). Node restarts it on every read and write, so setting the value it already has would
   * only churn the timer lists: that is skipped.
   */
  idleTimeout(ms: number): void {
    if (ms === this.timeoutMs) return;
    this.timeoutMs = ms;
    this.socket.setTimeout(ms);
  }

  /** Gives the connection to a new user (and its events with it). */
  hold(user: LinkUser | null): void {
    this.user = user;
  }

  /** Closes the connection; nobody hears of it. */
  close(): void {
    this.user = null;
    this.socket.destroy();
  }
}
