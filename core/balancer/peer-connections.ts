import type { ConnectionPool } from './connection-pool';
import type { Peer } from './peer';
import { dial } from './toxic';
import { UpstreamLink } from './upstream-link';

/**
 * nginx's `peer.get` / `peer.free` for connections: a plain dialer at the bottom, the keepalive
 * module's cache and our toxics wrapped around it, so the exchange asks for a connection and
 * hands it back without knowing which of them is on.
 */
export interface PeerConnections {
  /** A connection to `peer`: `reused` when it came from the cache (already connected). */
  get(peer: Peer, now: number): { link: UpstreamLink; reused: boolean };
  /** The attempt is done with `link`; `reusable` when its response ended exactly at its framing. */
  free(link: UpstreamLink, reusable: boolean): void;
}

/** A new connection per attempt, closed after it. */
export const dialer: PeerConnections = {
  get(peer, now) {
    const link = new UpstreamLink(peer, now);
    // A connect a latency toxic delays is skipped once the attempt has given the link up.
    dial(link.socket, peer.host, peer.port, peer.toxic, () => !link.socket.destroyed);
    return { link, reused: false };
  },
  free(link) {
    link.close();
  },
};

/** ngx_http_upstream_keepalive_module: cached connections first, clean ones back to the cache. */
export function keepaliveCache(pool: ConnectionPool, inner: PeerConnections): PeerConnections {
  return {
    get(peer, now) {
      const link = pool.take(peer);
      return link ? { link, reused: true } : inner.get(peer, now);
    },
    free(link, reusable) {
      if (reusable) pool.put(link);
      else inner.free(link, false);
    },
  };
}

/** A peer under a toxic gets connections of its own (dialled through the fault), never cached. */
export function toxics(inner: PeerConnections, plain: PeerConnections): PeerConnections {
  return {
    get(peer, now) {
      return peer.toxic === null ? inner.get(peer, now) : plain.get(peer, now);
    },
    free(link, reusable) {
      if (link.peer.toxic === null) inner.free(link, reusable);
      else plain.free(link, false);
    },
  };
}

/** The connections of an upstream: with its keep-alive cache when `keepalive N` is set. */
export function peerConnections(pool: ConnectionPool): PeerConnections {
  return pool.max > 0 ? toxics(keepaliveCache(pool, dialer), dialer) : dialer;
}
