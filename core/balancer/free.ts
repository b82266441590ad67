import type { Peer } from './peer';
import type { PickState } from './pick-state';

/** How an attempt ended, as nginx passes it to `free`: NEXT (403/404 retries) behaves like OK. */
export type FreeState = 'ok' | 'failed' | 'next';

/** nginx `ngx_http_upstream_free_round_robin_peer`, shared by every balancing method. */
export function freePeer(state: PickState, peer: Peer, outcome: FreeState, nowMs: number): void {
  if (state.group.single) {
    peer.conns--;
    state.tries = 0;
    return;
  }
  const nowSec = Math.floor(nowMs / 1000);
  if (outcome === 'failed') {
    peer.fails++;
    peer.accessed = nowSec;
    peer.checked = nowSec;
    if (peer.maxFails) peer.effectiveWeight -= Math.floor(peer.weight / peer.maxFails);
    if (peer.effectiveWeight < 0) peer.effectiveWeight = 0;
  } else if (peer.accessed < peer.checked) {
    peer.fails = 0;
  }
  peer.conns--;
  if (state.tries > 0) state.tries--;
}
