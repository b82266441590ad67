import type { ServerConfig } from './config';
import type { Toxic } from './toxic';
import type { UpstreamLink } from './upstream-link';

/** Live control beyond nginx OSS, in the manner of HAProxy's READY / DRAIN / MAINT. */
export type AdminState = 'up' | 'drain' | 'maintenance';

export interface PeerAddress {
  host: string;
  port: number;
}

let nextPeerId = 1;

/**
 * One upstream server (one resolved address of a `server` line) with nginx's per-peer state
 * (`ngx_http_upstream_rr_peer_t`). Times in `accessed` / `checked` are whole seconds, as nginx keeps them.
 */
export class Peer {
  readonly id: number = nextPeerId++;
  /** The `server` directive's address text; consistent hashing places the peer on the ring by it. */
  readonly server: string;
  /** Display name: the replica name (`backend2`) or the server address. */
  name: string;
  host: string;
  port: number;
  /** `$upstream_addr` text: `127.0.0.1:19001`. */
  addr: string;

  weight: number;
  effectiveWeight: number;
  currentWeight = 0;
  conns = 0;
  fails = 0;
  accessed = 0;
  checked = 0;
  maxFails: number;
  failTimeout: number;
  maxConns: number;
  down: boolean;
  readonly backup: boolean;

  admin: AdminState = 'up';
  /** Active health check verdict; peers without a health check are always healthy. */
  healthy = true;
  /** A fault injected on the balancer's side of this peer's connections; null = none. */
  toxic: Toxic | null = null;
  /** Set once removed from the group: in-flight requests finish, no new ones start. */
  removed = false;
  slowStartSec: number;
  /** Milliseconds timestamp of the moment the peer (re)joined, for slow start; 0 = not ramping. */
  rampStartMs = 0;
  /** Its open connections (in use or cached): what a drain of an old address waits for. */
  readonly links = new Set<UpstreamLink>();

  constructor(config: ServerConfig, address: PeerAddress, name?: string) {
    this.server = config.address;
    this.name = name ?? config.address;
    this.host = address.host;
    this.port = address.port;
    this.addr = formatAddr(address);
    this.weight = config.weight;
    this.effectiveWeight = config.weight;
    this.maxFails = config.maxFails;
    this.failTimeout = config.failTimeoutSec;
    this.maxConns = config.maxConns;
    this.down = config.down;
    this.backup = config.backup;
    this.slowStartSec = config.slowStartSec;
  }

  setAddress(address: PeerAddress): void {
    this.host = address.host;
    this.port = address.port;
    this.addr = formatAddr(address);
  }

  /** Excluded from selection and from the try count, like nginx's `down`. */
  get offline(): boolean {
    return this.down || this.removed || this.admin !== 'up' || !this.healthy;
  }

  /** nginx's "temporarily disabled" test: max_fails reached and still inside fail_timeout. */
  isFailed(nowSec: number): boolean {
    return this.maxFails !== 0 && this.fails >= this.maxFails && nowSec - this.checked <= this.failTimeout;
  }

  isFull(): boolean {
    return this.maxConns !== 0 && this.conns >= this.maxConns;
  }

  /** The predicate every balancer shares: not down, not failed, not at max_conns. */
  isEligible(nowSec: number): boolean {
    return !this.offline && !this.isFailed(nowSec) && !this.isFull();
  }

  /** The weight slow start lets through right now (a fraction of effective_weight while ramping). */
  rampedWeight(nowMs: number): number {
    if (this.rampStartMs === 0) return this.effectiveWeight;
    const progress = (nowMs - this.rampStartMs) / (this.slowStartSec * 1000);
    if (progress >= 1) {
      this.rampStartMs = 0;
      return this.effectiveWeight;
    }
    return this.effectiveWeight * Math.max(progress, 0.05);
  }

  /** Forget passive failures: used when an active health check proves the peer is back. */
  clearFailures(): void {
    this.fails = 0;
    this.effectiveWeight = this.weight;
  }
}

export function formatAddr({ host, port }: PeerAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
