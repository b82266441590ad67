import { isIPv4 } from 'node:net';
import { SERVER_DEFAULTS, type ResolverConfig } from './config';
import type { ProxyRoute } from './location';
import { NameResolver, queryName, resolutionError } from './name-resolver';
import { ipv6Literal, parsePassUrl, type PassUrl, type PassUrlError } from './pass-url';
import { splitHostPort } from './resolve';
import { Upstream } from './upstream';
import { compileTemplate, type Template, type VariableContext } from './variables';

/** What a route knows before the request names its upstream. */
export type RouteBase = Omit<ProxyRoute, 'upstream' | 'proxyHost' | 'hashKey' | 'keepalive' | 'passUri'>;

/** A location whose proxy_pass has variables. */
export interface DynamicPass {
  base: RouteBase;
  url: Template;
  targets: PassTargets;
  resolver: NameResolver | null;
  resolverTimeoutMs: number;
}

/** nginx's default resolver_timeout. */
export const RESOLVER_TIMEOUT_MS = 30_000;

interface TargetUpstream {
  upstream: Upstream;
  host: string;
  /** 0 for an upstream block; the port of an implicit upstream (a literal proxy_pass). */
  port: number;
  hashKey: Template | null;
}

/** nginx's list of upstreams as an evaluated proxy_pass searches it (ngx_http_upstream_init_request). */
export class PassTargets {
  private readonly entries: TargetUpstream[];

  constructor(upstreams: Iterable<Upstream>) {
    this.entries = [...upstreams].map((upstream) => {
      const { host, port } = upstream.implicit
        ? splitHostPort(upstream.name)
        : { host: upstream.name, port: 0 };
      const method = upstream.method;
      const hashKey = method.kind === 'hash' ? compileTemplate(method.key) : null;
      return { upstream, host: host.toLowerCase(), port, hashKey };
    });
  }

  /** An upstream block matches a host given without a port; an implicit one its host and port. */
  find(url: PassUrl): TargetUpstream | undefined {
    const host = url.host.toLowerCase();
    return this.entries.find(
      (entry) => entry.host === host && ((entry.port === 0 && url.noPort) || entry.port === url.port),
    );
  }
}

/** The resolvers of a balancer, one per distinct `resolver` line, so their caches are shared. */
export class Resolvers {
  private readonly byConfig = new Map<string, NameResolver>();

  get(config: ResolverConfig): NameResolver {
    const key = JSON.stringify(config);
    let resolver = this.byConfig.get(key);
    if (!resolver) {
      resolver = new NameResolver(config);
      this.byConfig.set(key, resolver);
    }
    return resolver;
  }
}

export type PassOutcome = { route: ProxyRoute } | { status: number; error: string };

/** The URL evaluated for this request: where it goes, or nginx's 500 and its error-log line. */
export function evaluatePass(pass: DynamicPass, ctx: VariableContext): PassUrl | PassUrlError {
  return parsePassUrl(pass.url(ctx));
}

/**
 * Where an evaluated proxy_pass goes: a defined upstream (with all its state), an IP address, or
 * a name through the resolver. The one place a request's target is chosen.
 */
export function resolvePass(pass: DynamicPass, url: PassUrl, done: (outcome: PassOutcome) => void): void {
  const ipv6 = ipv6Literal(url.host);
  if (ipv6 !== undefined) return done({ route: perRequest(pass.base, url, [ipv6]) });
  const named = pass.targets.find(url);
  if (named) {
    const route = {
      ...pass.base,
      upstream: named.upstream,
      proxyHost: url.hostHeader,
      hashKey: named.hashKey,
      keepalive: named.upstream.pool.max > 0,
      ...(url.uri === undefined ? {} : { passUri: url.uri }),
    };
    return done({ route });
  }
  if (isIPv4(url.host)) return done({ route: perRequest(pass.base, url, [url.host]) });
  const resolver = pass.resolver;
  if (!resolver) return done({ status: 502, error: `no resolver defined to resolve ${url.host}` });
  const name = queryName(url.host);
  void resolver.resolve(name, pass.resolverTimeoutMs).then((result) => {
    if ('code' in result) done({ status: 502, error: resolutionError(name, result.code) });
    else done({ route: perRequest(pass.base, url, result.addresses) });
  });
}

/**
 * nginx's ngx_http_upstream_create_round_robin_peer: peers made for this request only (no
 * keep-alive, no failures remembered), so nothing is kept once it ends.
 */
function perRequest(base: RouteBase, url: PassUrl, addresses: string[]): ProxyRoute {
  const servers = addresses.map((host) => ({
    config: {
      address: host.includes(':') ? `[${host}]:${url.port}` : `${host}:${url.port}`,
      ...SERVER_DEFAULTS,
    },
    addresses: [{ host, port: url.port }],
  }));
  const config = {
    name: url.host,
    method: { kind: 'round_robin' as const },
    servers: servers.map((server) => server.config),
    keepalive: 0,
    implicit: true,
  };
  return {
    ...base,
    upstream: new Upstream(config, servers),
    proxyHost: url.hostHeader,
    hashKey: null,
    keepalive: false,
    ...(url.uri === undefined ? {} : { passUri: url.uri }),
  };
}
