import { crc32 } from 'node:zlib';
import type { Peer } from '../peer';
import type { PickState } from '../pick-state';
import { claim, HASH_MAX_TRIES, isCandidate } from './ip-hash';
import { getRoundRobin } from './round-robin';
import type { Groups, Picker } from './types';

/**
 * nginx `ngx_http_upstream_get_hash_peer` (Cache::Memcached compatible): each iteration adds
 * `(crc32([rehash] key) >> 16) & 0x7fff` to the running hash. An empty key means round robin.
 */
function getHash(groups: Groups, state: PickState, nowMs: number): Peer | null {
  const { group } = state;
  if (state.hashTries > HASH_MAX_TRIES || group.single || state.key === '') {
    return getRoundRobin(groups, state, nowMs);
  }
  const nowSec = Math.floor(nowMs / 1000);
  for (;;) {
    const input = state.rehash > 0 ? `${state.rehash}${state.key}` : state.key;
    state.hash += (crc32(Buffer.from(input, 'latin1')) >>> 16) & 0x7fff;
    state.rehash++;
    const index = group.peerAtWeight(state.hash % group.totalWeight);
    if (isCandidate(state, index, nowSec)) return claim(state, index, nowSec);
    if (++state.hashTries > HASH_MAX_TRIES) return getRoundRobin(groups, state, nowMs);
  }
}

export const hash: Picker = { get: getHash };
