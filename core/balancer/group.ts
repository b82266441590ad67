import type { Peer } from './peer';

/**
 * An immutable list of peers in config order (nginx's `ngx_http_upstream_rr_peers_t`). Adding or
 * removing a peer builds a new group; requests in flight keep the group they started with, so their
 * `tried` positions stay valid. The peers themselves (and their state) are shared between versions.
 */
export class PeerGroup {
  /** Sum of static weights including `down` peers: hash, ip_hash and random index by it. */
  readonly totalWeight: number;
  /** Cumulative static weights for random's binary search. */
  readonly ranges: Float64Array;

  constructor(
    readonly peers: readonly Peer[],
    readonly hasBackup: boolean,
  ) {
    let total = 0;
    this.ranges = new Float64Array(peers.length);
    peers.forEach((peer, i) => {
      total += peer.weight;
      this.ranges[i] = total;
    });
    this.totalWeight = total;
  }

  /** nginx `single`: exactly one peer and no backup group. Such a peer is never marked failed. */
  get single(): boolean {
    return this.peers.length === 1 && !this.hasBackup;
  }

  /** Attempts a request may make here: the peers that are not down (or drained, or unhealthy). */
  get tries(): number {
    let n = 0;
    for (const peer of this.peers) if (!peer.offline) n++;
    return n;
  }

  /** Index of the peer a weight offset `w` (0 <= w < totalWeight) falls on, walking static weights. */
  peerAtWeight(w: number): number {
    const { peers } = this;
    let i = 0;
    let rest = w;
    while (i < peers.length - 1 && rest >= peers[i]!.weight) {
      rest -= peers[i]!.weight;
      i++;
    }
    return i;
  }
}
