import type { PeerGroup } from '../group';
import type { Peer } from '../peer';
import type { PickState } from '../pick-state';
import type { Groups, Picker } from './types';

/** Smooth weighted round robin over the current group (nginx `ngx_http_upstream_get_peer`). */
export function smoothWeightedPick(group: PeerGroup, tried: Uint8Array, nowMs: number): Peer | null {
  const nowSec = Math.floor(nowMs / 1000);
  const { peers } = group;
  let best: Peer | null = null;
  let bestIndex = -1;
  let total = 0;
  for (let i = 0; i < peers.length; i++) {
    if (tried[i]) continue;
    const peer = peers[i]!;
    if (!peer.isEligible(nowSec)) continue;
    const weight = peer.rampStartMs === 0 ? peer.effectiveWeight : peer.rampedWeight(nowMs);
    peer.currentWeight += weight;
    total += weight;
    if (peer.effectiveWeight < peer.weight) peer.effectiveWeight++;
    if (best === null || peer.currentWeight > best.currentWeight) {
      best = peer;
      bestIndex = i;
    }
  }
  if (best === null) return null;
  tried[bestIndex] = 1;
  best.currentWeight -= total;
  if (nowSec - best.checked > best.failTimeout) best.checked = nowSec;
  return best;
}

/** The single-peer path: weights and failures are ignored, only `down` and max_conns count. */
function singlePick(group: PeerGroup): Peer | null {
  const peer = group.peers[0]!;
  return peer.offline || peer.isFull() ? null : peer;
}

/** nginx `ngx_http_upstream_get_round_robin_peer`, falling back to the backup group once. */
export function getRoundRobin(groups: Groups, state: PickState, nowMs: number): Peer | null {
  for (;;) {
    const { group } = state;
    const peer = group.single ? singlePick(group) : smoothWeightedPick(group, state.tried, nowMs);
    if (peer !== null) {
      peer.conns++;
      return peer;
    }
    if (group !== groups.primary || groups.backup === null) return null;
    state.switchTo(groups.backup);
  }
}

export const roundRobin: Picker = { get: getRoundRobin };
