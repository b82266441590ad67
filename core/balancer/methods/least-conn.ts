import type { Peer } from '../peer';
import type { PickState } from '../pick-state';
import { getRoundRobin } from './round-robin';
import type { Groups, Picker } from './types';

/**
 * nginx `ngx_http_upstream_get_least_conn_peer`: the least `conns/weight` wins; ties are broken by
 * one smooth weighted round over the tied peers.
 */
function getLeastConn(groups: Groups, state: PickState, nowMs: number): Peer | null {
  if (state.group.single) return getRoundRobin(groups, state, nowMs);
  const nowSec = Math.floor(nowMs / 1000);
  for (;;) {
    const { peers } = state.group;
    const { tried } = state;
    let best: Peer | null = null;
    let bestIndex = -1;
    let many = false;
    for (let i = 0; i < peers.length; i++) {
      if (tried[i]) continue;
      const peer = peers[i]!;
      if (!peer.isEligible(nowSec)) continue;
      if (best === null || peer.conns * best.weight < best.conns * peer.weight) {
        best = peer;
        bestIndex = i;
        many = false;
      } else if (peer.conns * best.weight === best.conns * peer.weight) {
        many = true;
      }
    }
    if (best !== null) {
      let total = 0;
      if (many) {
        for (let i = bestIndex; i < peers.length; i++) {
          if (tried[i]) continue;
          const peer = peers[i]!;
          if (peer.conns * best.weight !== best.conns * peer.weight) continue;
          if (!peer.isEligible(nowSec)) continue;
          const weight = peer.rampStartMs === 0 ? peer.effectiveWeight : peer.rampedWeight(nowMs);
          peer.currentWeight += weight;
          total += weight;
          if (peer.effectiveWeight < peer.weight) peer.effectiveWeight++;
          if (peer.currentWeight > best.currentWeight) {
            best = peer;
            bestIndex = i;
          }
        }
      }
      best.currentWeight -= total;
      if (nowSec - best.checked > best.failTimeout) best.checked = nowSec;
      tried[bestIndex] = 1;
      best.conns++;
      return best;
    }
    if (state.group !== groups.primary || groups.backup === null) return null;
    state.switchTo(groups.backup);
  }
}

export const leastConn: Picker = { get: getLeastConn };
