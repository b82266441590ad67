import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import { Emitter } from '../events/emitter';
import type { ProxyConfig, ServerBlockConfig, ServerConfig } from './config';
import { sendPlainPage } from './error-page-redirect';
import { ProxyExchange } from './exchange';
import { carryOver } from './carry-over';
import { HealthChecker, type CheckOutcome } from './health-check';
import { addressBlocks, Listener, type ListenAddress } from './listeners';
import { answerLocally } from './local-answer';
import { logRefused } from './refused-log';
import { pickServer, routePath } from './routing';
import { writeAccessLog } from './log-phase';
import { LogOutputs } from './log-outputs';
import {
  compileServer,
  matchLocation,
  type LocationRoute,
  type RouteTables,
  type ServerRoute,
} from './location';
import type { AdminState, Peer, PeerAddress } from './peer';
import type { RequestRecord } from './record';
import { PassTargets, Resolvers } from './pass-target';
import { RecordBatcher, type RecordListener } from './record-batcher';
import { resolveWithDns, type ServerResolver } from './resolve';
import { requestContext, type Redirect, type Site } from './site';
import type { Toxic } from './toxic';
import { snapshotPeer, type PeerSnapshot, type UpstreamSnapshot } from './snapshot';
import { Upstream, type ResolvedServer } from './upstream';

export interface BalancerOptions {
  /** How `server` lines become addresses; DNS by default (replica names map to containers in a lab). */
  resolve?: ServerResolver;
  /** How often request records are handed to subscribers. */
  recordIntervalMs?: number;
}

/** How long requests on an address a reload dropped may take to finish. */
const RELOAD_GRACE_MS = 30_000;

export interface BalancerEvents {
  /** A peer was added, removed, drained, re-weighted or changed health. */
  peers: { upstream: string; peers: PeerSnapshot[]; reason: string };
  health: { upstream: string; peer: string; healthy: boolean; detail: string };
  /** A line in nginx's error_log wording (an upstream failed). */
  'error-log': { line: string; time: number };
}

/**
 * The reverse proxy: nginx's upstream semantics behind Node's HTTP server, plus active health
 * checks, slow start and live control of peers.
 */
export class Balancer {
  readonly events = new Emitter<BalancerEvents>();
  private upstreams = new Map<string, Upstream>();
  private readonly checkers = new Map<string, HealthChecker>();
  /** By `host:port`. */
  private readonly listeners = new Map<string, Listener>();
  private current: ProxyConfig;
  private readonly records: RecordBatcher;
  private readonly resolve: ServerResolver;
  private readonly logs: LogOutputs;
  private readonly resolvers = new Resolvers();

  constructor(config: ProxyConfig, options: BalancerOptions = {}) {
    this.current = config;
    this.resolve = options.resolve ?? resolveWithDns;
    this.records = new RecordBatcher(options.recordIntervalMs, undefined, (error, event) =>
      this.events.onListenerError(error, event),
    );
    this.logs = new LogOutputs(config.logFormats, (line, time) =>
      this.events.emit('error-log', { line, time }),
    );
  }

  /** The config in effect (the last one loaded). */
  get config(): ProxyConfig {
    return this.current;
  }

  /** nginx -s reopen (SIGUSR1): log files are opened again at their paths, for logrotate. */
  reopenLogs(): void {
    this.logs.reopen();
  }

  /** Resolves the upstream servers, then listens where the server blocks say. */
  async listen(): Promise<ListenAddress[]> {
    this.upstreams = await this.createUpstreams(this.current);
    this.startCheckers();
    return this.bindListeners(this.current);
  }

  /**
   * nginx -s reload: the new config is checked and its upstreams resolved first (a bad one
   * changes nothing); then new requests take it while those in flight finish on the old one.
   * Addresses kept stay open (no connection is refused); new ones are bound, dropped ones close
   * after their requests. What is kept of the peers: see carryOver.
   */
  async reload(config: ProxyConfig): Promise<ListenAddress[]> {
    const upstreams = await this.createUpstreams(config);
    carryOver(this.upstreams, upstreams);
    const previous = this.upstreams;
    const wanted = addressBlocks(config.servers);
    const tables = this.routeTables(upstreams);
    const added: Listener[] = [];
    const sites = new Map<string, Site[]>();
    // Everything that can fail comes first: compiling (with the new log formats) and binding.
    this.logs.useFormats(config.logFormats);
    try {
      for (const [key, { blocks, port }] of wanted) sites.set(key, this.compileSites(blocks, port, tables));
      for (const [key, { host, port }] of wanted) {
        if (this.listeners.has(key)) continue;
        const listener = this.newListener(key, sites.get(key)!);
        added.push(listener);
        await listener.listen(host, port);
      }
    } catch (error) {
      this.logs.useFormats(this.current.logFormats);
      await Promise.all(added.map((listener) => listener.server.close(0)));
      for (const upstream of upstreams.values()) upstream.close();
      throw error;
    }
    this.stopCheckers();
    this.current = config;
    this.upstreams = upstreams;
    for (const [key, listener] of this.listeners) {
      const kept = sites.get(key);
      if (kept) listener.swap(kept);
      else {
        this.listeners.delete(key);
        void listener.server.close(RELOAD_GRACE_MS);
      }
    }
    for (const listener of added) this.listeners.set(listener.key, listener);
    this.startCheckers();
    for (const upstream of previous.values()) upstream.close();
    for (const upstream of upstreams.values()) this.emitPeers(upstream, 'reload');
    return this.addresses();
  }

  /** Where the balancer listens now. */
  addresses(): ListenAddress[] {
    return [...this.listeners.values()].map((listener) => listener.address);
  }

  private async createUpstreams(config: ProxyConfig): Promise<Map<string, Upstream>> {
    const upstreams = new Map<string, Upstream>();
    for (const upstream of config.upstreams) {
      const servers: ResolvedServer[] = [];
      for (const server of upstream.servers)
        servers.push({ config: server, ...(await this.resolve(server)) });
      upstreams.set(upstream.name, new Upstream(upstream, servers));
    }
    return upstreams;
  }

  private startCheckers(): void {
    for (const upstream of this.upstreams.values()) {
      if (!upstream.healthCheck) continue;
      const checker = new HealthChecker(upstream, upstream.healthCheck, (peer, healthy, result) => {
        this.events.emit('health', {
          upstream: upstream.name,
          peer: peer.name,
          healthy,
          detail: result.detail,
        });
        this.emitPeers(upstream, healthy ? 'healthy' : 'unhealthy');
      });
      this.checkers.set(upstream.name, checker);
      checker.sync();
    }
  }

  private stopCheckers(): void {
    for (const checker of this.checkers.values()) checker.stop();
    this.checkers.clear();
  }

  private async bindListeners(config: ProxyConfig): Promise<ListenAddress[]> {
    const addresses: ListenAddress[] = [];
    const tables = this.routeTables(this.upstreams);
    for (const [key, { host, port, blocks }] of addressBlocks(config.servers)) {
      const listener = this.newListener(key, this.compileSites(blocks, port, tables));
      this.listeners.set(key, listener);
      addresses.push(await listener.listen(host, port));
    }
    return addresses;
  }

  private newListener(key: string, sites: Site[]): Listener {
    return new Listener(key, sites, {
      request: (current, req, res) => this.handle(current, req, res),
      refused: logRefused,
    });
  }

  /** What the locations of one config resolve proxy_pass against; the resolver cache outlives reloads. */
  private routeTables(upstreams: Map<string, Upstream>): RouteTables {
    return { upstreams, targets: new PassTargets(upstreams.values()), resolvers: this.resolvers };
  }

  /** One address's server blocks, compiled: what its connections' requests are served by. */
  private compileSites(blocks: ServerBlockConfig[], port: number, tables: RouteTables): Site[] {
    return blocks.map((block) => this.site(compileServer(block, tables, this.logs), port));
  }

  private site(route: ServerRoute, port: number): Site {
    const site: Site = {
      route,
      port,
      records: this.records,
      client: route.config,
      serve: (req, res, location, redirect) => this.serveLocation(site, req, res, location, redirect),
    };
    return site;
  }

  private handle(sites: Site[], req: ClientRequest, res: ClientResponse): void {
    const site = pickServer(sites, req.headers.host);
    const location = matchLocation(site.route, routePath(req.url)) ?? site.route.serverLevel;
    const maxBody = site.route.config.clientMaxBodySize;
    req.maxBodySize = maxBody;
    if (maxBody > 0 && Number(req.headers['content-length'] ?? 0) > maxBody) {
      // nginx: "client intended to send too large body", once the location is known (its
      // add_header and access log apply).
      res.shouldKeepAlive = false;
      const ctx = requestContext(req, site);
      const message = `client intended to send too large body: ${req.headers['content-length']} bytes`;
      location.logs?.error.write({ level: 'error', message, vars: ctx });
      sendPlainPage(res, 413, location, ctx);
      writeAccessLog(location, ctx, res, 413, res.bodyBytes);
      return;
    }
    // nginx ignores an Expect it does not know, and answers 100-continue only in HTTP/1.1.
    if (req.httpVersionMinor >= 1 && req.headers.expect?.toLowerCase() === '100-continue')
      res.writeContinue();
    this.serveLocation(site, req, res, location);
  }

  /** The content phase: a proxying location starts an exchange, any other answers here. */
  private serveLocation(
    site: Site,
    req: ClientRequest,
    res: ClientResponse,
    location: LocationRoute,
    redirect?: Redirect,
  ): void {
    if (!location.proxy && !location.pass) {
      answerLocally(site, req, res, location);
      return;
    }
    const exchange = new ProxyExchange(req, res, location, site, isUpgrade(req), redirect);
    req.onBodyFailure = (status) => exchange.rejectBody(status);
    exchange.start();
  }

  /** Subscribes to request records, delivered in batches. */
  subscribe(listener: RecordListener): () => void {
    return this.records.subscribe(listener);
  }

  upstream(name: string): Upstream {
    const upstream = this.upstreams.get(name);
    if (!upstream) throw new Error(`no upstream "${name}"`);
    return upstream;
  }

  get upstreamNames(): string[] {
    return [...this.upstreams.keys()];
  }

  /** Client connections open on all the listening sockets. */
  async connectionCount(): Promise<number> {
    const counts = await Promise.all([...this.listeners.values()].map((l) => l.server.connectionCount()));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  snapshot(): UpstreamSnapshot[] {
    const nowMs = Date.now();
    return [...this.upstreams.values()].map((u) => ({
      name: u.name,
      method: u.method.kind,
      peers: u.peers.map((p) => snapshotPeer(p, nowMs)),
    }));
  }

  private peer(upstreamName: string, key: string | number): { upstream: Upstream; peer: Peer } {
    const upstream = this.upstream(upstreamName);
    const peer = upstream.findPeer(key);
    if (!peer) throw new Error(`no peer "${key}" in upstream "${upstreamName}"`);
    return { upstream, peer };
  }

  setPeerAdmin(upstreamName: string, key: string | number, admin: AdminState): void {
    const { upstream, peer } = this.peer(upstreamName, key);
    upstream.setAdmin(peer, admin);
    // Its idle keep-alive connections will carry nothing more: a drain ends when nothing is open.
    if (admin !== 'up') upstream.pool.drop(peer);
    this.emitPeers(upstream, admin);
  }

  setPeerWeight(upstreamName: string, key: string | number, weight: number): void {
    if (!Number.isInteger(weight) || weight < 1)
      throw new Error(`invalid weight "${weight}": must be 1 or more`);
    const { upstream, peer } = this.peer(upstreamName, key);
    upstream.setWeight(peer, weight);
    this.emitPeers(upstream, 'weight');
  }

  /** nginx's max_fails / fail_timeout of one peer, changed live. */
  setPeerLimits(
    upstreamName: string,
    key: string | number,
    limits: { maxFails?: number; failTimeoutSec?: number },
  ): void {
    const { upstream, peer } = this.peer(upstreamName, key);
    if (limits.maxFails !== undefined) peer.maxFails = limits.maxFails;
    if (limits.failTimeoutSec !== undefined) peer.failTimeout = limits.failTimeoutSec;
    this.emitPeers(upstream, 'limits');
  }

  /** Injects (or with null, removes) a Toxiproxy-style fault on a peer's connections. */
  setPeerToxic(upstreamName: string, key: string | number, toxic: Toxic | null): void {
    const { upstream, peer } = this.peer(upstreamName, key);
    peer.toxic = toxic;
    upstream.pool.drop(peer);
    this.emitPeers(upstream, toxic ? `toxic ${toxic.kind}` : 'toxic removed');
  }

  /** Moves a peer to a new address (a restarted container's new host port). */
  setPeerAddress(upstreamName: string, key: string | number, address: PeerAddress): void {
    const { upstream, peer } = this.peer(upstreamName, key);
    upstream.pool.drop(peer);
    peer.setAddress(address);
    this.emitPeers(upstream, 'address');
  }

  /** Connections open to `addr` through a peer (a replica's old address, while it drains). */
  connectionsTo(upstreamName: string, key: string | number, addr: string): number {
    let count = 0;
    for (const link of this.peer(upstreamName, key).peer.links) if (link.addr === addr) count++;
    return count;
  }

  /** While set, "no live upstreams" answers 503 "replicas starting" instead of 502 (see Upstream.starting). */
  setUpstreamStarting(upstreamName: string, starting: boolean): void {
    this.upstream(upstreamName).starting = starting;
  }

  /**
   * The last active health check of a peer (`undefined`: its upstream has no health check; null:
   * none has ended yet).
   */
  lastCheck(upstreamName: string, key: string | number): CheckOutcome | null | undefined {
    const checker = this.checkers.get(upstreamName);
    if (!checker) return undefined;
    const peer = this.upstream(upstreamName).findPeer(key);
    return peer ? checker.last(peer) : null;
  }

  /** Marks a peer healthy or not from outside (a container's readiness probe or death). */
  setPeerHealthy(upstreamName: string, key: string | number, healthy: boolean): void {
    const { upstream, peer } = this.peer(upstreamName, key);
    if (peer.healthy === healthy) return;
    upstream.setHealthy(peer, healthy);
    this.emitPeers(upstream, healthy ? 'healthy' : 'unhealthy');
  }

  addPeer(
    upstreamName: string,
    server: ServerConfig,
    address: PeerAddress,
    name?: string,
    healthy = true,
  ): PeerSnapshot {
    const upstream = this.upstream(upstreamName);
    const [peer] = upstream.addPeer({ config: server, addresses: [address], name, healthy });
    this.checkers.get(upstreamName)?.sync();
    this.emitPeers(upstream, 'added');
    return snapshotPeer(peer!, Date.now());
  }

  /** Removes a peer; requests already on it finish. */
  removePeer(upstreamName: string, key: string | number): void {
    const { upstream, peer } = this.peer(upstreamName, key);
    upstream.removePeer(peer);
    this.checkers.get(upstreamName)?.sync();
    this.emitPeers(upstream, 'removed');
  }

  private emitPeers(upstream: Upstream, reason: string): void {
    const nowMs = Date.now();
    this.events.emit('peers', {
      upstream: upstream.name,
      peers: upstream.peers.map((p) => snapshotPeer(p, nowMs)),
      reason,
    });
  }

  /** Stops listening, lets requests in flight finish for up to `graceMs`, then closes everything. */
  async close(graceMs = 2000): Promise<void> {
    this.stopCheckers();
    await Promise.all([...this.listeners.values()].map((l) => l.server.close(graceMs)));
    for (const upstream of this.upstreams.values()) upstream.close();
    this.records.close();
    await this.logs.close();
  }
}

/** Node's rule, kept: an Upgrade header with `Connection: upgrade` asks for a tunnel. */
function isUpgrade(req: ClientRequest): boolean {
  return req.headers.upgrade !== undefined && /\bupgrade\b/i.test(req.headers.connection ?? '');
}

export type { ListenAddress, RequestRecord };
