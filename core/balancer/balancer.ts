import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { Emitter } from '../events/emitter';
import { errorResponse, onClientError, refuseConnection, trackRequest } from './client-errors';
import { headStatus, MAX_HEAD_BYTES } from './client-request-checks';
import type { ProxyConfig, ServerBlockConfig, ServerConfig } from './config';
import { numberConnection } from './connection-number';
import { errorPage, sendErrorPage, sendGenerated } from './error-page';
import { answerErrorPage } from './error-page-redirect';
import { ProxyExchange } from './exchange';
import { answerReturn } from './return-answer';
import { HealthChecker } from './health-check';
import { logLocalAnswer, LogOutputs } from './log-outputs';
import { compileServer, matchLocation, type LocationRoute, type ServerRoute } from './location';
import type { AdminState, Peer, PeerAddress } from './peer';
import type { RequestRecord } from './record';
import { RecordBatcher, type RecordListener } from './record-batcher';
import { resolveWithDns, type ServerResolver } from './resolve';
import type { Toxic } from './toxic';
import { snapshotPeer, type PeerSnapshot, type UpstreamSnapshot } from './snapshot';
import { Upstream, type ResolvedServer } from './upstream';
import { UpgradeClient } from './upgrade';
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
  private readonly servers: Server[] = [];
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

  private serve(host: string, port: number, routes: ServerRoute[]): Promise<ListenAddress> {
    const first = routes[0]!.config;
    const server = createServer({
      keepAliveTimeout: keepAliveTimeout(first.keepaliveTimeoutMs),
      // client_header_timeout: from the connection (or the request's first byte) to the end of its
      // head, checked every tenth of it (at most every second); nginx closes without an answer.
      headersTimeout: first.clientHeaderTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, first.clientHeaderTimeoutMs / 10)),
      requestTimeout: 0,
      // Heads nginx could accept pass Node's parser; nginx's buffer rules decide (headStatus).
      maxHeaderSize: MAX_HEAD_BYTES,
      // A missing Host is checked in nginx's order, after the request line.
      requireHostHeader: false,
      noDelay: true,
    });
    const handle = (req: IncomingMessage, res: ServerResponse): void => this.handle(routes, port, req, res);
    server.on('request', handle);
    // nginx ignores an Expect it does not know (Node would answer 417) ...
    server.on('checkExpectation', handle);
    // ... and sends 100 Continue only for a request it goes on with.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) =>
      this.handle(routes, port, req, res, true),
    );
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.handleUpgrade(server, routes, port, req, socket, head),
    );
    server.on('connect', (req: IncomingMessage, socket: Socket) => {
      // nginx does not proxy CONNECT: 405 for a request otherwise fine, 400 for a host:port target.
      socket.on('error', () => socket.destroy());
      socket.end(errorResponse(headStatus(req) || 405));
    });
    server.on('connection', numberConnection);
    server.on('clientError', onClientError);
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const where = `${host}:${port}`;
        if (error.code === 'EADDRINUSE')
          reject(new Error(`${where} is already in use: another program listens there`));
        else if (error.code === 'EACCES')
          reject(new Error(`no permission to listen on ${where} (ports below 1024 need root)`));
        else reject(new Error(`cannot listen on ${where}: ${error.message}`));
      });
      server.listen({ host, port }, () => {
        const address = server.address();
        resolve({ host, port: typeof address === 'object' && address ? address.port : port });
      });
    });
  }

  private route(
    routes: ServerRoute[],
    req: IncomingMessage,
  ): { server: ServerRoute; location?: LocationRoute } {
    const server = pickServer(routes, req.headers.host);
    return { server, location: matchLocation(server, routePath(req.url ?? '/')) };
  }

  private handle(
    routes: ServerRoute[],
    port: number,
    req: IncomingMessage,
    res: ServerResponse,
    expectsContinue = false,
  ): void {
    const refused = headStatus(req);
    if (refused !== 0) {
      this.refuse(req, res, refused);
      return;
    }
    const { server, location } = this.route(routes, req);
    const maxBody = server.config.clientMaxBodySize;
    if (maxBody > 0 && Number(req.headers['content-length'] ?? 0) > maxBody) {
      // nginx: "client intended to send too large body".
      this.refuse(req, res, 413);
      return;
    }
    // keepalive_timeout 0: no keep-alive.
    if (server.config.keepaliveTimeoutMs === 0) res.shouldKeepAlive = false;
    if (expectsContinue) res.writeContinue();
    if (location?.proxy) {
      const exchange = new ProxyExchange(
        req,
        res,
        location.proxy,
        location,
        server.serverName,
        port,
        this.records,
        server.config,
      );
      trackRequest(req.socket, res, exchange);
      exchange.start();
      return;
    }
    trackRequest(req.socket, res);
    this.answerLocally(req, res, server, port, location);
  }

  /** A location without proxy_pass: its `return`, or nginx's 404; access-logged as nginx does. */
  private answerLocally(
    req: IncomingMessage,
    res: ServerResponse,
    server: ServerRoute,
    port: number,
    location: LocationRoute | undefined,
  ): void {
    const where = { serverName: server.serverName, port };
    if (!location?.ret) {
      sendErrorPage(res, 404);
      logLocalAnswer(location?.logs, req, where, 404, errorPage(404).length);
      return;
    }
    const ctx = {
      req,
      serverName: server.serverName,
      serverPort: port,
      proxyHost: '',
      startMs: Date.now(),
      attempts: [],
      status: 0,
    };
    const page = location.ret.text === null ? location.errorPages.get(location.ret.status) : undefined;
    if (page) answerErrorPage(req, res, location, page, location.ret.status, ctx);
    else answerReturn(req, res, location.ret, location.addHeaders, ctx);
    logLocalAnswer(location.logs, req, where, res.statusCode, Number(res.getHeader('content-length') ?? 0));
  }

  /** nginx's error page for a request it refuses; the connection closes after it. */
  private refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
    refuseConnection(req.socket);
    res.shouldKeepAlive = false;
    sendErrorPage(res, status);
  }

  private answer(res: ServerResponse, status: number, body: Buffer, type: string): void {
    sendGenerated(res, status, body, type);
  }

  /**
   * An Upgrade request is proxied as any other (location, headers, balancing, log), on Node's raw
   * socket; only the upstream's 101 opens a tunnel (nginx's `u->upgrade`).
   */
  private handleUpgrade(
    httpServer: Server,
    routes: ServerRoute[],
    port: number,
    req: IncomingMessage,
    socket: Socket,
    head: Buffer,
  ): void {
    const refused = headStatus(req);
    if (refused !== 0) {
      socket.on('error', () => socket.destroy());
      socket.end(errorResponse(refused));
      return;
    }
    socket.on('error', () => socket.destroy());
    if (req.headers['transfer-encoding'] !== undefined) {
      // A chunked body on a handshake would have to be decoded off the raw socket: refused.
      socket.end(errorResponse(400));
      return;
    }
    const client = new UpgradeClient(socket, head, Number(req.headers['content-length'] ?? 0), httpServer);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    const { server, location } = this.route(routes, req);
    res.shouldKeepAlive =
      req.httpVersion === '1.1' &&
      server.config.keepaliveTimeoutMs !== 0 &&
      !/\bclose\b/i.test(String(req.headers.connection ?? ''));
    res.once('finish', () => {
      res.detachSocket(socket);
      client.continueHttp(res.shouldKeepAlive);
    });
    if (!location?.proxy) {
      this.answerLocally(req, res, server, port, location);
      return;
    }
    const exchange = new ProxyExchange(
      req,
      res,
      location.proxy,
      location,
      server.serverName,
      port,
      this.records,
      server.config,
      client,
    );
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
    const counts = await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<number>((resolve) =>
            server.getConnections((error, count) => resolve(error ? 0 : count)),
          ),
      ),
    );
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
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              resolve();
            });
            server.closeIdleConnections();
          }),
      ),
    );
    for (const upstream of this.upstreams.values()) upstream.close();
    this.records.close();
    await this.logs.close();
  }
}

/**
 * Node's keepAliveTimeout for nginx's keepalive_timeout: Node 20 closes an idle connection one
 * second after its keepAliveTimeout (HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER), so it gets a second
 * less. 0 (no keep-alive) is applied per response instead.
 */
function keepAliveTimeout(ms: number): number {
  return ms === 0 ? 0 : Math.max(1, ms - 1000);
}

/** The server block for a Host header: exact name, then `*.suffix`, then the default (first) one. */
function pickServer(routes: ServerRoute[], hostHeader: string | undefined): ServerRoute {
  if (routes.length > 1 && hostHeader) {
    const host = hostHeader.toLowerCase().replace(/:\d+$/, '');
    const exact = routes.find((r) => r.config.serverNames.includes(host));
    if (exact) return exact;
    const wildcard = routes.find((r) =>
      r.config.serverNames.some((n) => n.startsWith('*.') && host.endsWith(n.slice(1))),
    );
    if (wildcard) return wildcard;
  }
  return routes[0]!;
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
