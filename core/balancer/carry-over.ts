import type { Upstream } from './upstream';

/**
 * What a reload keeps of the peers it replaces. nginx -s reload starts every upstream afresh
 * (failures, weights in progress, keep-alive connections); so do we. Beyond nginx, facts that are
 * not the config's are kept for a peer of the same upstream, name and `server` text: where a lab's
 * replica was found (its placeholder address), whether it is up, its admin state and its toxic.
 */
export function carryOver(
  previous: ReadonlyMap<string, Upstream>,
  next: ReadonlyMap<string, Upstream>,
): void {
  for (const [name, upstream] of next) {
    const before = previous.get(name);
    if (!before) continue;
    upstream.starting = before.starting;
    const old = new Map(before.peers.map((peer) => [`${peer.name}\n${peer.server}`, peer]));
    for (const peer of upstream.peers) {
      const kept = old.get(`${peer.name}\n${peer.server}`);
      if (!kept) continue;
      // Port 0: a replica's server line, not resolved by the config; its address is the lab's.
      if (peer.port === 0) peer.setAddress(kept);
      peer.healthy = kept.healthy;
      peer.admin = kept.admin;
      peer.toxic = kept.toxic;
    }
  }
}
