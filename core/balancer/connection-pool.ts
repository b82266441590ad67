import type { Socket } from 'node:net';
import type { Peer } from './peer';

/** The upstream block's `keepalive_requests`, `keepalive_timeout` and `keepalive_time`. */
export interface PoolLimits {
  requests: number;
  idleMs: number;
  lifetimeMs: number;
}

/** nginx's defaults: 1000 requests, 60s idle, 1h in all. */
export const POOL_DEFAULTS: PoolLimits = { requests: 1000, idleMs: 60_000, lifetimeMs: 3_600_000 };

/** What nginx counts on a connection (c->requests, c->start_time). */
interface Usage {
  requests: number;
  openedAt: number;
}

interface IdleConnection {
  peer: Peer;
  socket: Socket;
}

/**
 * Idle keep-alive connections of one upstream (nginx `keepalive N`): at most `max` cached in all,
 * the least recently used dropped first. Connections are only ever reused for the peer they reach.
 */
export class ConnectionPool {
  private idle: IdleConnection[] = [];
  private readonly usage = new WeakMap<Socket, Usage>();

  constructor(
    readonly max: number,
    readonly limits: PoolLimits = POOL_DEFAULTS,
  ) {}

  get size(): number {
    return this.idle.length;
  }

  /** Takes the most recently used idle connection to `peer`, if any. */
  take(peer: Peer): Socket | null {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const entry = this.idle[i]!;
      if (entry.peer !== peer) continue;
      this.idle.splice(i, 1);
      release(entry.socket);
      return entry.socket;
    }
    return null;
  }

  /**
   * Caches a connection whose last response ended cleanly (opened at `openedAt` if new); closes it
   * when the cache is off or full, or the connection has served its requests or its time.
   */
  put(peer: Peer, socket: Socket, openedAt: number, now = Date.now()): void {
    let usage = this.usage.get(socket);
    if (!usage) {
      usage = { requests: 0, openedAt };
      this.usage.set(socket, usage);
    }
    usage.requests++;
    const spent = usage.requests >= this.limits.requests || now - usage.openedAt > this.limits.lifetimeMs;
    // An idle timeout of 0 would disable the timer in Node; in nginx it closes at once.
    if (this.max === 0 || this.limits.idleMs === 0 || peer.removed || socket.destroyed || spent) {
      socket.destroy();
      return;
    }
    if (this.idle.length >= this.max) this.idle.shift()!.socket.destroy();
    const entry = { peer, socket };
    this.idle.push(entry);
    const forget = (): void => {
      const i = this.idle.indexOf(entry);
      if (i !== -1) this.idle.splice(i, 1);
      socket.destroy();
    };
    socket.setTimeout(this.limits.idleMs);
    socket.once('timeout', forget);
    socket.once('close', forget);
    socket.once('error', forget);
    // Bytes on an idle connection mean the upstream broke the protocol: never reuse it.
    socket.once('data', forget);
    // An idle upstream connection must never keep the process alive.
    socket.unref();
    (socket as IdleSocket).forget = forget;
  }

  drop(peer: Peer): void {
    for (const entry of this.idle.filter((e) => e.peer === peer)) entry.socket.destroy();
    this.idle = this.idle.filter((e) => e.peer !== peer);
  }

  close(): void {
    for (const entry of this.idle) entry.socket.destroy();
    this.idle = [];
  }
}

interface IdleSocket extends Socket {
  forget?: () => void;
}

/** Undoes `put`'s idle bookkeeping on a connection taken back into use. */
function release(socket: IdleSocket): void {
  const forget = socket.forget;
  if (forget) {
    socket.off('timeout', forget);
    socket.off('close', forget);
    socket.off('error', forget);
    socket.off('data', forget);
    socket.forget = undefined;
  }
  socket.ref();
}
