import type { AdminState, Peer } from './peer';
import type { Toxic } from './toxic';

/** A peer as the dashboard and the CLI see it. */
export interface PeerSnapshot {
  id: number;
  name: string;
  server: string;
  addr: string;
  backup: boolean;
  down: boolean;
  admin: AdminState;
  healthy: boolean;
  /** nginx's passive verdict: max_fails reached inside fail_timeout. */
  failed: boolean;
  /** While failed: when fail_timeout ends and one request may probe it (epoch ms). */
  failedUntilMs: number | null;
  /** Out of selection whatever its failures: down, removed, drained, in maintenance or unhealthy. */
  offline: boolean;
  weight: number;
  effectiveWeight: number;
  conns: number;
  fails: number;
  maxFails: number;
  failTimeoutSec: number;
  maxConns: number;
  slowStart: boolean;
  toxic: Toxic | null;
}

export interface UpstreamSnapshot {
  name: string;
  method: string;
  peers: PeerSnapshot[];
}

export function snapshotPeer(peer: Peer, nowMs: number): PeerSnapshot {
  const failed = peer.isFailed(Math.floor(nowMs / 1000));
  return {
    id: peer.id,
    name: peer.name,
    server: peer.server,
    addr: peer.addr,
    backup: peer.backup,
    down: peer.down,
    admin: peer.admin,
    healthy: peer.healthy,
    failed,
    // nginx compares whole seconds: out until the second after checked + fail_timeout.
    failedUntilMs: failed ? (peer.checked + peer.failTimeout + 1) * 1000 : null,
    offline: peer.offline,
    weight: peer.weight,
    effectiveWeight: peer.effectiveWeight,
    conns: peer.conns,
    fails: peer.fails,
    maxFails: peer.maxFails,
    failTimeoutSec: peer.failTimeout,
    maxConns: peer.maxConns,
    slowStart: peer.rampStartMs !== 0,
    toxic: peer.toxic,
  };
}
