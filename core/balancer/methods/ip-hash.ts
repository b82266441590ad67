import type { Peer } from '../peer';
import type { PickState } from '../pick-state';
import { getRoundRobin } from './round-robin';
import type { Groups, Picker } from './types';

/** More rejected candidates than this within one request and the hash methods fall back to round robin. */
export const HASH_MAX_TRIES = 20;

/** Claims the peer at `index` for this attempt, refreshing `checked` as every nginx balancer does. */
export function claim(state: PickState, index: number, nowSec: number): Peer {
  const peer = state.group.peers[index]!;
  if (nowSec - peer.checked > peer.failTimeout) peer.checked = nowSec;
  state.tried[index] = 1;
  peer.conns++;
  return peer;
}

export function isCandidate(state: PickState, index: number, nowSec: number): boolean {
  return !state.tried[index] && state.group.peers[index]!.isEligible(nowSec);
}

/**
 * nginx `ngx_http_upstream_get_ip_hash_peer`: hash the first three octets of the client's IPv4
 * address (all of IPv6), continuing from the previous hash on every rejection or retry.
 */
function getIpHash(groups: Groups, state: PickState, nowMs: number): Peer | null {
  const { group } = state;
  if (state.hashTries > HASH_MAX_TRIES || group.single) return getRoundRobin(groups, state, nowMs);
  const nowSec = Math.floor(nowMs / 1000);
  const key = state.clientKey ?? ZERO_KEY;
  if (!state.hashStarted) {
    state.hash = 89;
    state.hashStarted = true;
  }
  let hash = state.hash;
  for (;;) {
    for (const byte of key) hash = (hash * 113 + byte) % 6271;
    const index = group.peerAtWeight(hash % group.totalWeight);
    if (isCandidate(state, index, nowSec)) {
      state.hash = hash;
      return claim(state, index, nowSec);
    }
    if (++state.hashTries > HASH_MAX_TRIES) return getRoundRobin(groups, state, nowMs);
  }
}

const ZERO_KEY = new Uint8Array(3);

export const ipHash: Picker = { get: getIpHash };

/** The bytes ip_hash hashes for a client address as Node reports it. */
export function ipHashKey(remoteAddress: string | undefined): Uint8Array {
  if (!remoteAddress) return ZERO_KEY;
  const v4 = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return Uint8Array.from(v4.split('.').slice(0, 3).map(Number));
  return ipv6Bytes(remoteAddress) ?? ZERO_KEY;
}

function ipv6Bytes(address: string): Uint8Array | null {
  const [head = '', tail] = address.split('::');
  const parts = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const left = parts(head);
  const right = parts(tail);
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  return bytes;
}
