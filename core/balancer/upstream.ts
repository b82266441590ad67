import type { BalanceMethod, HealthCheckConfig, ServerConfig, UpstreamConfig } from './config';
import { freePeer, type FreeState } from './free';
import { PeerGroup } from './group';
import { pickerFor, type Groups, type Picker } from './methods';
import { getRoundRobin } from './methods/round-robin';
import { Peer, type AdminState, type PeerAddress } from './peer';
import { PickState } from './pick-state';
import { ConnectionPool, POOL_DEFAULTS } from './connection-pool';
import { peerConnections, type PeerConnections } from './peer-connections';

/** A resolved `server` line: one peer per address (nginx makes one peer per resolved address). */
export interface ResolvedServer {
  config: ServerConfig;
  addresses: PeerAddress[];
  /** Display name, e.g. the replica name `backend2`. */
  name?: string;
  /** Start out of rotation until something (a readiness probe) says otherwise. */
  healthy?: boolean;
}

/** An upstream block at run time: its peers, the balancing method and the keep-alive cache. */
export class Upstream {
  readonly name: string;
  readonly method: BalanceMethod;
  readonly implicit: boolean;
  readonly healthCheck: HealthCheckConfig | undefined;
  readonly pool: ConnectionPool;
  /** nginx's peer get/free for connections: the keep-alive cache and toxics around a dialer. */
  readonly connections: PeerConnections;
  /**
   * Beyond nginx: set while a lab's replicas are starting and none has served yet, so "no live
   * upstreams" is a 503 "replicas starting" (try again) rather than nginx's 502.
   */
  starting = false;
  private readonly picker: Picker;
  groups: Groups;

  constructor(config: UpstreamConfig, servers: ResolvedServer[]) {
    this.name = config.name;
    this.method = config.method;
    this.implicit = config.implicit;
    this.healthCheck = config.healthCheck;
    this.picker = pickerFor(config.method);
    this.pool = new ConnectionPool(config.keepalive, {
      requests: config.keepaliveRequests ?? POOL_DEFAULTS.requests,
      idleMs: config.keepaliveTimeoutMs ?? POOL_DEFAULTS.idleMs,
      lifetimeMs: config.keepaliveTimeMs ?? POOL_DEFAULTS.lifetimeMs,
    });
    this.connections = peerConnections(this.pool);
    const peers = servers.flatMap(createPeers);
    this.groups = buildGroups(peers);
  }

  get peers(): Peer[] {
    const { primary, backup } = this.groups;
    return backup ? [...primary.peers, ...backup.peers] : [...primary.peers];
  }

  findPeer(key: string | number): Peer | undefined {
    return this.peers.find((p) => p.id === key || p.name === key || p.addr === key || p.server === key);
  }

  /** Per-request state with nginx's try budget: live primaries plus live backups, capped by `limit`. */
  begin(limit: number): PickState {
    const { primary, backup } = this.groups;
    let tries = primary.tries + (backup ? backup.tries : 0);
    if (limit > 0 && tries > limit) tries = limit;
    return new PickState(primary, tries);
  }

  get(state: PickState, nowMs: number): Peer | null {
    if (state.group.peers.length === 0) return getRoundRobin(this.groups, state, nowMs);
    return this.picker.get(this.groups, state, nowMs);
  }

  free(state: PickState, peer: Peer, outcome: FreeState, nowMs: number): void {
    freePeer(state, peer, outcome, nowMs);
  }

  /** Adds a peer; requests in flight keep the group they started with. */
  addPeer(server: ResolvedServer): Peer[] {
    const added = createPeers(server);
    for (const peer of added) if (peer.slowStartSec > 0) peer.rampStartMs = Date.now();
    this.groups = buildGroups([...this.peers, ...added]);
    return added;
  }

  /** Removes a peer without touching requests already using it; its idle connections are closed. */
  removePeer(peer: Peer): void {
    peer.removed = true;
    this.groups = buildGroups(this.peers.filter((p) => p !== peer));
    this.pool.drop(peer);
  }

  setAdmin(peer: Peer, admin: AdminState): void {
    const rejoining = peer.admin !== 'up' && admin === 'up';
    peer.admin = admin;
    if (rejoining) this.rejoin(peer);
  }

  setWeight(peer: Peer, weight: number): void {
    peer.weight = weight;
    peer.effectiveWeight = weight;
    peer.currentWeight = 0;
    this.groups = buildGroups(this.peers);
  }

  setHealthy(peer: Peer, healthy: boolean): void {
    if (peer.healthy === healthy) return;
    peer.healthy = healthy;
    if (healthy) this.rejoin(peer);
    else this.pool.drop(peer);
  }

  /** A peer proven alive again: forget passive failures (nginx would wait out fail_timeout) and ramp up. */
  private rejoin(peer: Peer): void {
    peer.clearFailures();
    if (peer.slowStartSec > 0) peer.rampStartMs = Date.now();
  }

  close(): void {
    this.pool.close();
  }
}

function createPeers(server: ResolvedServer): Peer[] {
  return server.addresses.map((address) => {
    const peer = new Peer(server.config, address, server.name);
    peer.healthy = server.healthy ?? true;
    return peer;
  });
}

function buildGroups(peers: Peer[]): Groups {
  const backups = peers.filter((p) => p.backup);
  const primaries = peers.filter((p) => !p.backup);
  return {
    primary: new PeerGroup(primaries, backups.length > 0),
    backup: backups.length > 0 ? new PeerGroup(backups, false) : null,
  };
}
