import type { Peer } from './peer';
import type { LinkUser, UpstreamLink } from './upstream-link';

/** The upstream block's `keepalive_requests`, `keepalive_timeout` and `keepalive_time`. */
export interface PoolLimits {
  requests: number;
  idleMs: number;
  lifetimeMs: number;
}

/** nginx's defaults: 1000 requests, 60s idle, 1h in all. */
export const POOL_DEFAULTS: PoolLimits = { requests: 1000, idleMs: 60_000, lifetimeMs: 3_600_000 };

/**
 * Idle keep-alive connections of one upstream (nginx's keepalive module, `keepalive N`): at most
 * `max` cached in all, the least recently used dropped first. Connections are only ever reused
 * for the peer they reach. While cached, the pool is the connection's user: any event on it (a
 * close, a timeout, bytes nobody asked for) means it can't be reused.
 */
export class ConnectionPool {
  private idle: UpstreamLink[] = [];
  /** Closed (shutdown, or a reload retired the upstream): connections returned later are closed. */
  private closed = false;

  constructor(
    readonly max: number,
    readonly limits: PoolLimits = POOL_DEFAULTS,
  ) {}

  get size(): number {
    return this.idle.length;
  }

  /** Takes the most recently used idle connection to `peer`, if any. */
  take(peer: Peer): UpstreamLink | null {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const link = this.idle[i]!;
      if (link.peer !== peer) continue;
      this.idle.splice(i, 1);
      link.hold(null);
      link.socket.ref();
      return link;
    }
    return null;
  }

  /**
   * Caches a connection whose last response ended cleanly; closes it when the cache is off or
   * full, or the connection has served its requests or its time.
   */
  put(link: UpstreamLink, now = Date.now()): void {
    link.requests++;
    const spent = link.requests >= this.limits.requests || now - link.openedAt > this.limits.lifetimeMs;
    // An idle timeout of 0 would disable the timer in Node; in nginx it closes at once.
    if (
      this.closed ||
      this.max === 0 ||
      this.limits.idleMs === 0 ||
      link.peer.removed ||
      // Drained, or moved (a replaced replica): nothing more is sent over this one.
      link.peer.admin !== 'up' ||
      link.addr !== link.peer.addr ||
      link.socket.destroyed ||
      spent
    ) {
      link.close();
      return;
    }
    if (this.idle.length >= this.max) this.idle.shift()!.close();
    this.idle.push(link);
    link.hold(this.watcher(link));
    link.idleTimeout(this.limits.idleMs);
    // An idle upstream connection must never keep the process alive.
    link.socket.unref();
  }

  private watcher(link: UpstreamLink): LinkUser {
    const forget = (): void => {
      const i = this.idle.indexOf(link);
      if (i !== -1) this.idle.splice(i, 1);
      link.close();
    };
    return { onData: forget, onEnd: forget, onFailure: forget, onTimeout: forget };
  }

  drop(peer: Peer): void {
    for (const link of this.idle) if (link.peer === peer) link.close();
    this.idle = this.idle.filter((link) => link.peer !== peer);
  }

  close(): void {
    this.closed = true;
    for (const link of this.idle) link.close();
    this.idle = [];
  }
}
