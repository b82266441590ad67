import type { PeerGroup } from './group';
import type { Peer } from './peer';

/**
 * What one request remembers while it moves through the upstream (nginx's
 * `ngx_http_upstream_rr_peer_data_t` plus the hash modules' per-request fields).
 */
export class PickState {
  group: PeerGroup;
  /** Positions in `group` already attempted by this request. Cleared when moving to the backup group. */
  tried: Uint8Array;
  /** `u->peer.tries`: attempts left, including the current one. */
  tries: number;
  /** The peer of the current attempt. */
  current: Peer | null = null;

  /** Client address bytes for ip_hash (first 3 octets of IPv4, 16 bytes of IPv6). */
  clientKey: Uint8Array | null = null;
  /** Evaluated `hash` key. */
  key = '';
  /** Running hash and rejection count shared by ip_hash / hash / chash / random within the request. */
  hash = 0;
  rehash = 0;
  hashTries = 0;
  hashStarted = false;

  constructor(group: PeerGroup, tries: number) {
    this.group = group;
    this.tried = new Uint8Array(group.peers.length);
    this.tries = tries;
  }

  switchTo(group: PeerGroup): void {
    this.group = group;
    this.tried = new Uint8Array(group.peers.length);
  }
}
