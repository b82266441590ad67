import {
  SERVER_DEFAULTS,
  type HealthCheckConfig,
  type LocationConfig,
  type ProxyConfig,
  type ServerBlockConfig,
  type ServerLevelConfig,
  type UpstreamConfig,
} from '../balancer/config';
import { joinHostPort } from './address';
import { ConfigError, type SourcePosition } from './errors';
import { parseHealthCheck } from './health-check';
import type { ParsedHttp } from './http-block';
import {
  inheritAddHeaders,
  inheritClientSettings,
  inheritErrorPages,
  inheritLogs,
  inheritProxySettings,
} from './inherit';
import { checkAccessLogFormats } from './log-directives';
import type { Interpretation } from './interpretation';
import { DEFAULT_LISTEN } from './listen';
import type { ParsedLocation } from './location-block';
import { hasVariables, type ProxyPassTarget, type ProxyPassUrl } from './proxy-pass';
import type { ParsedServer } from './server-block';

const IMPLICIT_PORT = 80;

/**
 * Turns the parsed http block into a ProxyConfig: applies inheritance (http → server → location),
 * links each proxy_pass to its upstream block or creates an implicit upstream for a plain host, and
 * runs the checks nginx does once the whole block is known (listen conflicts, upstream ports).
 */
export function assembleProxyConfig(http: ParsedHttp, interpretation: Interpretation): ProxyConfig {
  const upstreams = new UpstreamRegistry(http, interpretation);
  const servers = http.servers.map((server, index) =>
    assembleServer(server, `servers[${index}]`, http, upstreams, interpretation),
  );
  checkListenConflicts(http.servers, interpretation);
  const scopes = [http.scope, ...http.servers.flatMap((s) => [s.scope, ...s.locations.map((l) => l.scope)])];
  checkAccessLogFormats(
    scopes.flatMap((scope) => scope.accessLog ?? []),
    http.logFormats,
  );
  return {
    upstreams: upstreams.all(),
    servers,
    ...(http.logFormats.length > 0 ? { logFormats: http.logFormats } : {}),
  };
}

function assembleServer(
  server: ParsedServer,
  path: string,
  http: ParsedHttp,
  upstreams: UpstreamRegistry,
  interpretation: Interpretation,
): ServerBlockConfig {
  interpretation.map(path, server.at);
  const listen =
    server.listen.length > 0 ? server.listen.map((entry) => entry.config) : [{ ...DEFAULT_LISTEN }];
  server.listen.forEach((entry, index) => interpretation.map(`${path}.listen[${index}]`, entry.at));
  if (server.listen.length === 0) interpretation.map(`${path}.listen[0]`, server.at);
  const levels = [http.scope, server.scope];
  const locations = server.locations.map((location, index) => {
    const locationPath = `${path}.locations[${index}]`;
    interpretation.map(locationPath, location.at);
    return assembleLocation(location, locationPath, [...levels, location.scope], upstreams, interpretation);
  });
  const serverLevel = assembleServerLevel(levels);
  return {
    listen,
    serverNames: server.serverNames,
    locations,
    ...(serverLevel ? { serverLevel } : {}),
    ...inheritClientSettings(levels),
  };
}

/** The server level's own add_header, error_page and logs; undefined when it has none. */
function assembleServerLevel(levels: ParsedServer['scope'][]): ServerLevelConfig | undefined {
  const level: ServerLevelConfig = { addHeaders: inheritAddHeaders(levels), ...inheritLogs(levels) };
  const errorPages = inheritErrorPages(levels);
  if (errorPages.length > 0) level.errorPages = errorPages;
  const empty = level.addHeaders.length === 0 && !level.errorPages && !level.accessLog && !level.errorLog;
  return empty ? undefined : level;
}

function assembleLocation(
  location: ParsedLocation,
  path: string,
  levels: ParsedServer['scope'][],
  upstreams: UpstreamRegistry,
  interpretation: Interpretation,
): LocationConfig {
  const config: LocationConfig = {
    modifier: location.modifier,
    path: location.path,
    addHeaders: inheritAddHeaders(levels),
    ...inheritLogs(levels),
  };
  const errorPages = inheritErrorPages(levels);
  if (errorPages.length > 0) config.errorPages = errorPages;
  const pass = location.proxyPass;
  const literal = pass && !hasVariables(pass) ? pass : undefined;
  if (pass) {
    const target = literal
      ? {
          upstream: upstreams.resolve(literal).name,
          ...(literal.uri === undefined ? {} : { uri: literal.uri }),
        }
      : { url: (pass as ProxyPassUrl).url };
    config.proxy = inheritProxySettings(levels, target);
    interpretation.map(`${path}.proxy`, pass.at);
  }
  if (location.healthCheck) {
    const upstream = literal && upstreams.resolve(literal);
    if (!upstream || upstream.implicit) {
      throw new ConfigError(
        location.healthCheck.at,
        '"health_check" needs a "proxy_pass" to an upstream block in the same location',
      );
    }
    upstreams.setHealthCheck(
      upstream,
      parseHealthCheck(location.healthCheck.args, interpretation),
      location.healthCheck.at,
    );
  }
  if (location.return) {
    config.return = location.return;
    if (location.returnAt) interpretation.map(`${path}.return`, location.returnAt);
  }
  return config;
}

/** The upstream blocks, plus the implicit upstreams that proxy_pass to a plain host creates. */
class UpstreamRegistry {
  private readonly explicit: UpstreamConfig[];
  private readonly implicit: UpstreamConfig[] = [];

  constructor(
    http: ParsedHttp,
    private readonly interpretation: Interpretation,
  ) {
    this.explicit = http.upstreams.map((parsed) => parsed.config);
    http.upstreams.forEach((parsed, index) => {
      interpretation.map(`upstreams[${index}]`, parsed.at);
      parsed.serverPositions.forEach((at, server) =>
        interpretation.map(`upstreams[${index}].servers[${server}]`, at),
      );
      if (parsed.healthCheckAt) interpretation.map(`upstreams[${index}].healthCheck`, parsed.healthCheckAt);
    });
  }

  /** nginx matches upstream names case-insensitively; an upstream block may not be given a port. */
  resolve(target: ProxyPassTarget): UpstreamConfig {
    const named = this.explicit.find((upstream) => upstream.name.toLowerCase() === target.host.toLowerCase());
    if (named) {
      if (target.port !== undefined) {
        throw new ConfigError(target.at, `upstream "${named.name}" may not have port ${target.port}`);
      }
      return named;
    }
    const key = target.authority.toLowerCase();
    const existing = this.implicit.find((upstream) => upstream.name.toLowerCase() === key);
    if (existing) return existing;
    const created: UpstreamConfig = {
      name: target.authority,
      method: { kind: 'round_robin' },
      servers: [{ address: joinHostPort(target.host, target.port ?? IMPLICIT_PORT), ...SERVER_DEFAULTS }],
      keepalive: 0,
      implicit: true,
    };
    const index = this.explicit.length + this.implicit.length;
    this.interpretation.map(`upstreams[${index}]`, target.at);
    this.interpretation.map(`upstreams[${index}].servers[0]`, target.at);
    this.implicit.push(created);
    return created;
  }

  setHealthCheck(upstream: UpstreamConfig, check: HealthCheckConfig, at: SourcePosition): void {
    if (upstream.healthCheck)
      throw new ConfigError(at, `duplicate health check in upstream "${upstream.name}"`);
    upstream.healthCheck = check;
    this.interpretation.map(`upstreams[${this.all().indexOf(upstream)}].healthCheck`, at);
  }

  all(): UpstreamConfig[] {
    return [...this.explicit, ...this.implicit];
  }
}

/** The checks nginx makes when it builds its listening sockets from every server block. */
function checkListenConflicts(servers: ParsedServer[], interpretation: Interpretation): void {
  const defaults = new Set<string>();
  const namesByAddress = new Map<string, Set<string>>();
  for (const server of servers) {
    const own = new Set<string>();
    const listen = server.listen.length > 0 ? server.listen : [{ config: DEFAULT_LISTEN, at: server.at }];
    for (const { config, at } of listen) {
      const address = joinHostPort(config.host, config.port);
      if (own.has(address)) throw new ConfigError(at, `a duplicate listen ${address}`);
      own.add(address);
      if (config.defaultServer) {
        if (defaults.has(address)) throw new ConfigError(at, `a duplicate default server for ${address}`);
        defaults.add(address);
      }
      const seen = namesByAddress.get(address) ?? new Set<string>();
      namesByAddress.set(address, seen);
      for (const name of server.serverNames.length > 0 ? server.serverNames : ['']) {
        if (seen.has(name)) {
          interpretation.warn(server.at, 'nginx', `conflicting server name "${name}" on ${address}, ignored`);
        }
        seen.add(name);
      }
    }
  }
}
