import { crc32 } from 'node:zlib';
import type { PeerGroup } from '../group';
import type { Peer } from '../peer';
import type { PickState } from '../pick-state';
import { HASH_MAX_TRIES } from './ip-hash';
import { getRoundRobin } from './round-robin';
import type { Groups, Picker } from './types';

interface RingPoint {
  hash: number;
  server: string;
}

/** The ketama-style ring of `hash ... consistent` (nginx `ngx_http_upstream_init_chash`). */
export class HashRing {
  readonly points: RingPoint[];

  constructor(group: PeerGroup) {
    const points: RingPoint[] = [];
    const prev = Buffer.alloc(4);
    for (const peer of group.peers) {
      const [host, port] = splitServer(peer.server);
      const base = crc32(Buffer.from(`${host}\0${port}`, 'latin1'));
      prev.writeUInt32LE(0);
      for (let j = 0; j < peer.weight * 160; j++) {
        const point = crc32(prev, base);
        points.push({ hash: point, server: peer.server });
        prev.writeUInt32LE(point);
      }
    }
    points.sort((a, b) => a.hash - b.hash);
    this.points = points.filter((p, i) => i === 0 || p.hash !== points[i - 1]!.hash);
  }

  /** The first point whose hash is >= `hash` (may be points.length; callers index modulo). */
  find(hash: number): number {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]!.hash < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Splits `host:port` at the last colon followed only by digits; `unix:` paths have no port. */
function splitServer(server: string): [string, string] {
  if (server.toLowerCase().startsWith('unix:')) return [server.slice(5), ''];
  const match = /:(\d*)$/.exec(server);
  return match ? [server.slice(0, match.index), match[1]!] : [server, ''];
}

const rings = new WeakMap<PeerGroup, HashRing>();

function ringOf(group: PeerGroup): HashRing {
  let ring = rings.get(group);
  if (!ring) {
    ring = new HashRing(group);
    rings.set(group, ring);
  }
  return ring;
}

/** nginx `ngx_http_upstream_get_chash_peer`. */
function getConsistentHash(groups: Groups, state: PickState, nowMs: number): Peer | null {
  const { group } = state;
  if (state.hashTries > HASH_MAX_TRIES || group.peers.length < 2 || state.key === '') {
    return getRoundRobin(groups, state, nowMs);
  }
  const ring = ringOf(group);
  const nowSec = Math.floor(nowMs / 1000);
  if (!state.hashStarted) {
    state.hash = ring.find(crc32(Buffer.from(state.key, 'latin1')));
    state.hashStarted = true;
  }
  const { peers } = group;
  for (;;) {
    const server = ring.points[state.hash % ring.points.length]!.server;
    let best: Peer | null = null;
    let bestIndex = -1;
    let total = 0;
    for (let i = 0; i < peers.length; i++) {
      const peer = peers[i]!;
      if (state.tried[i] || peer.server !== server || !peer.isEligible(nowSec)) continue;
      peer.currentWeight += peer.effectiveWeight;
      total += peer.effectiveWeight;
      if (peer.effectiveWeight < peer.weight) peer.effectiveWeight++;
      if (best === null || peer.currentWeight > best.currentWeight) {
        best = peer;
        bestIndex = i;
      }
    }
    if (best !== null) {
      best.currentWeight -= total;
      if (nowSec - best.checked > best.failTimeout) best.checked = nowSec;
      state.tried[bestIndex] = 1;
      best.conns++;
      return best;
    }
    state.hash++;
    if (++state.hashTries > HASH_MAX_TRIES) return getRoundRobin(groups, state, nowMs);
  }
}

export const consistentHash: Picker = { get: getConsistentHash };
