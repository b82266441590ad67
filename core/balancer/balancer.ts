import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import { Http1Server } from '../http1/http1-server';
import { Emitter } from '../events/emitter';
import type { ProxyConfig, ServerBlockConfig, ServerConfig } from './config';
import { numberConnection } from './connection-number';
import { errorResponse } from './error-page';
import { sendPlainPage } from './error-page-redirect';
import { ProxyExchange } from './exchange';
import { HealthChecker } from './health-check';
import { answerLocally } from './local-answer';
import { writeAccessLog } from './log-phase';
import { LogOutputs } from './log-outputs';
import { compileServer, matchLocation, type LocationRoute, type ServerRoute } from './location';
import type { AdminState, Peer, PeerAddress } from './peer';
import type { RequestRecord } from './record';
import { RecordBatcher, type RecordListener } from './record-batcher';
import { resolveWithDns, type ServerResolver } from './resolve';
import { requestContext, type Redirect, type Site } from './site';
import type { Toxic } from './toxic';
import { snapshotPeer, type PeerSnapshot, type UpstreamSnapshot } from './snapshot';
import { Upstream, type ResolvedServer } from './upstream';
import { normalizedPath } from './variables';

export interface BalancerOptions {
  /** How `server` lines become addresses; DNS by default (replica names map to containers in a lab). */
  resolve?: ServerResolver;
  /** How often request records are handed to subscribers. */
  recordIntervalMs?: number;
}

export interface ListenAddress {
  host: string;
  port: number;
}

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
  private readonly upstreams = new Map<string, Upstream>();
  private readonly checkers = new Map<string, HealthChecker>();
  private readonly servers: Http1Server[] = [];
  private readonly records: RecordBatcher;
  private readonly resolve: ServerResolver;
  private readonly logs: LogOutputs;

  constructor(
    readonly config: ProxyConfig,
    options: BalancerOptions = {},
  ) {
    this.resolve = options.resolve ?? resolveWithDns;
    this.records = new RecordBatcher(options.recordIntervalMs, undefined, (error, event) =>
      this.events.onListenerError(error, event),
    );
    this.logs = new LogOutputs(config.logFormats, (line, time) =>
      this.events.emit('error-log', { line, time }),
    );
  }

  /** nginx -s reopen (SIGUSR1): log files are opened again at their paths, for logrotate. */
  reopenLogs(): void {
    this.logs.reopen();
  }

  /** Resolves the upstream servers, then listens where the server blocks say. */
  async listen(): Promise<ListenAddress[]> {
    await this.buildUpstreams();
    const byAddress = new Map<string, { host: string; port: number; blocks: ServerBlockConfig[] }>();
    for (const block of this.config.servers) {
      for (const listen of block.listen) {
        const key = `${listen.host}:${listen.port}`;
        const entry = byAddress.get(key) ?? { host: listen.host, port: listen.port, blocks: [] };
        if (listen.defaultServer) entry.blocks.unshift(block);
        else entry.blocks.push(block);
        byAddress.set(key, entry);
      }
    }
    const addresses: ListenAddress[] = [];
    for (const { host, port, blocks } of byAddress.values()) {
      const routes = blocks.map((block) => compileServer(block, this.upstreams, this.logs));
      addresses.push(await this.serve(host, port, routes));
    }
    return addresses;
  }

  private async buildUpstreams(): Promise<void> {
    for (const config of this.config.upstreams) {
      const servers: ResolvedServer[] = [];
      for (const server of config.servers) servers.push({ config: server, ...(await this.resolve(server)) });
      const upstream = new Upstream(config, servers);
      this.upstreams.set(config.name, upstream);
      if (config.healthCheck) {
        const checker = new HealthChecker(upstream, config.healthCheck, (peer, healthy, result) => {
          this.events.emit('health', {
            upstream: upstream.name,
            peer: peer.name,
            healthy,
            detail: result.detail,
          });
          this.emitPeers(upstream, healthy ? 'healthy' : 'unhealthy');
        });
        this.checkers.set(config.name, checker);
        checker.sync();
      }
    }
  }

  private async serve(host: string, port: number, routes: ServerRoute[]): Promise<ListenAddress> {
    const first = routes[0]!.config;
    const sites = routes.map((route) => this.site(route, port));
    const server = new Http1Server(
      {
        headerTimeoutMs: first.clientHeaderTimeoutMs,
        keepaliveTimeoutMs: first.keepaliveTimeoutMs,
        keepaliveRequests: first.keepaliveRequests ?? 1000,
        head: {
          underscoresInHeaders: first.underscoresInHeaders ?? false,
          ignoreInvalidHeaders: first.ignoreInvalidHeaders ?? true,
        },
        errorResponse,
      },
      (req, res) => this.handle(sites, req, res),
      numberConnection,
    );
    this.servers.push(server);
    try {
      return { host, port: await server.listen(host, port) };
    } catch (error_) {
      const error = error_ as NodeJS.ErrnoException;
      const where = `${host}:${port}`;
      const message =
        error.code === 'EADDRINUSE'
          ? `${where} is already in use: another program listens there`
          : error.code === 'EACCES'
            ? `no permission to listen on ${where} (ports below 1024 need root)`
            : `cannot listen on ${where}: ${error.message}`;
      throw new Error(message, { cause: error_ });
    }
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
    if (!location.proxy) {
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
    const counts = await Promise.all(this.servers.map((server) => server.connectionCount()));
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

  /** While set, "no live upstreams" answers 503 "replicas starting" instead of 502 (see Upstream.starting). */
  setUpstreamStarting(upstreamName: string, starting: boolean): void {
    this.upstream(upstreamName).starting = starting;
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
    for (const checker of this.checkers.values()) checker.stop();
    await Promise.all(this.servers.map((server) => server.close(graceMs)));
    for (const upstream of this.upstreams.values()) upstream.close();
    this.records.close();
    await this.logs.close();
  }
}

/** Node's rule, kept: an Upgrade header with `Connection: upgrade` asks for a tunnel. */
function isUpgrade(req: ClientRequest): boolean {
  return req.headers.upgrade !== undefined && /\bupgrade\b/i.test(req.headers.connection ?? '');
}

/** The server block for a Host header: exact name, then `*.suffix`, then the default (first) one. */
function pickServer(sites: Site[], hostHeader: string | undefined): Site {
  if (sites.length > 1 && hostHeader) {
    const host = hostHeader.toLowerCase().replace(/:\d+$/, '');
    const exact = sites.find((s) => s.route.config.serverNames.includes(host));
    if (exact) return exact;
    const wildcard = sites.find((s) =>
      s.route.config.serverNames.some((n) => n.startsWith('*.') && host.endsWith(n.slice(1))),
    );
    if (wildcard) return wildcard;
  }
  return sites[0]!;
}

/** The path nginx matches locations against: the normalised `$uri` (cheap when already clean). */
function routePath(url: string): string {
  let path = url;
  if (!path.startsWith('/')) {
    const slash = path.indexOf('/', path.indexOf('//') + 2);
    path = slash === -1 ? '/' : path.slice(slash);
  }
  // nginx ends the path at `?` or at a raw `#` (a fragment a client should not have sent).
  const end = path.search(/[?#]/);
  if (end !== -1) path = path.slice(0, end);
  return /%|\/\.|\/\//.test(path) ? normalizedPath(path) : path;
}

export type { RequestRecord };
