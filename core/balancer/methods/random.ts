import type { PeerGroup } from '../group';
import type { Peer } from '../peer';
import type { PickState } from '../pick-state';
import { claim, HASH_MAX_TRIES, isCandidate } from './ip-hash';
import { getRoundRobin } from './round-robin';
import type { Groups, Picker } from './types';

/** A random index weighted by static weights, down peers included (nginx `peek_random_peer`). */
function peek(group: PeerGroup): number {
  const x = Math.floor(Math.random() * group.totalWeight);
  const { ranges } = group;
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < ranges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function getRandom(groups: Groups, state: PickState, nowMs: number): Peer | null {
  const { group } = state;
  if (state.hashTries > HASH_MAX_TRIES || group.single) return getRoundRobin(groups, state, nowMs);
  const nowSec = Math.floor(nowMs / 1000);
  for (;;) {
    const index = peek(group);
    if (isCandidate(state, index, nowSec)) return claim(state, index, nowSec);
    if (++state.hashTries > HASH_MAX_TRIES) return getRoundRobin(groups, state, nowMs);
  }
}

/** `random two least_conn`: two different eligible picks; the first only if strictly less loaded. */
function getRandomTwo(groups: Groups, state: PickState, nowMs: number): Peer | null {
  const { group } = state;
  if (state.hashTries > HASH_MAX_TRIES || group.single) return getRoundRobin(groups, state, nowMs);
  const nowSec = Math.floor(nowMs / 1000);
  let first = -1;
  for (;;) {
    const index = peek(group);
    if (index !== first && isCandidate(state, index, nowSec)) {
      if (first !== -1) {
        const p1 = group.peers[first]!;
        const p2 = group.peers[index]!;
        return claim(state, p2.conns * p1.weight > p1.conns * p2.weight ? first : index, nowSec);
      }
      first = index;
    }
    if (++state.hashTries > HASH_MAX_TRIES) return getRoundRobin(groups, state, nowMs);
  }
}

export const random: Picker = { get: getRandom };
export const randomTwo: Picker = { get: getRandomTwo };
