import type { LocationConfig, ProxySettings, ServerBlockConfig } from './config';
import { compileErrorPages, type CompiledErrorPage } from './error-page-redirect';
import type { LocationLogs, LogOutputs } from './log-outputs';
import { maskOf } from './next-upstream';
import { compileReturn, type CompiledReturn } from './return-answer';
import {
  RESOLVER_TIMEOUT_MS,
  type DynamicPass,
  type PassTargets,
  type Resolvers,
  type RouteBase,
} from './pass-target';
import type { Upstream } from './upstream';
import { compileTemplate, type Template } from './variables';

export interface CompiledHeader {
  name: string;
  value: Template;
}

export interface CompiledAddHeader extends CompiledHeader {
  always: boolean;
}

/** nginx's default upstream request headers, in the order it adds them when not overridden. */
const DEFAULT_HEADER_NAMES = ['host', 'connection', 'content-length', 'transfer-encoding'] as const;
/** Client headers nginx never copies (they default to empty and so are dropped). */
const ALWAYS_DROPPED = ['te', 'keep-alive', 'expect', 'upgrade'];

/** A proxying location with everything per-request work needs precomputed. */
export interface ProxyRoute {
  settings: ProxySettings;
  upstream: Upstream;
  setHeaders: CompiledHeader[];
  /** Lower-case names of client headers not copied: overridden, or defaults nginx regenerates. */
  notCopied: Set<string>;
  /** Which nginx defaults still apply (not overridden by proxy_set_header). */
  sendHost: boolean;
  sendConnectionClose: boolean;
  sendContentLength: boolean;
  sendTransferEncoding: boolean;
  /** `$proxy_host`: the upstream name, or host:port of an implicit upstream (port 80 omitted). */
  proxyHost: string;
  mask: number;
  hashKey: Template | null;
  /**
   * Connections may be cached (`keepalive N`): as in nginx, whether one is depends only on the
   * upstream's response (HTTP/1.1, no `Connection: close`, ended at its framing), so a Connection
   * header that is empty for the request keeps it open with any HTTP/1.1 server.
   */
  keepalive: boolean;
  /** The evaluated URI part of a proxy_pass with variables: sent as is. */
  passUri?: string;
}

export interface LocationRoute {
  config: LocationConfig;
  proxy: ProxyRoute | null;
  /** proxy_pass with variables: the route is chosen per request. */
  pass: DynamicPass | null;
  addHeaders: CompiledAddHeader[];
  ret: CompiledReturn | null;
  errorPages: Map<number, CompiledErrorPage>;
  logs: LocationLogs | null;
}

export interface ServerRoute {
  config: ServerBlockConfig;
  serverName: string;
  exact: LocationRoute[];
  /** Prefix locations, longest first. */
  prefix: LocationRoute[];
  /** `location @name`, by name (with its `@`). */
  named: Map<string, LocationRoute>;
  /** What a request that matches no location gets: the server level's add_header, error_page, logs. */
  serverLevel: LocationRoute;
}

/** What locations share: the upstreams by name, and for proxy_pass with variables their table. */
export interface RouteTables {
  upstreams: Map<string, Upstream>;
  targets: PassTargets;
  resolvers: Resolvers;
}

export function compileServer(
  config: ServerBlockConfig,
  tables: RouteTables,
  logs?: LogOutputs,
): ServerRoute {
  const routes = config.locations.map((location) => compileLocation(location, tables, logs));
  const byPath = routes.filter((r) => r.config.modifier !== '@');
  const level: LocationConfig = { modifier: '', path: '', addHeaders: [], ...config.serverLevel };
  return {
    config,
    serverName: config.serverNames[0] ?? '',
    exact: byPath.filter((r) => r.config.modifier === '='),
    prefix: byPath
      .filter((r) => r.config.modifier !== '=')
      .sort((a, b) => b.config.path.length - a.config.path.length),
    named: new Map(routes.filter((r) => r.config.modifier === '@').map((r) => [r.config.path, r])),
    serverLevel: compileLocation(level, tables, logs),
  };
}

/** The location a path matches; named locations are never matched. */
export function matchLocation(server: ServerRoute, path: string): LocationRoute | undefined {
  for (const route of server.exact) if (route.config.path === path) return route;
  for (const route of server.prefix) if (path.startsWith(route.config.path)) return route;
  return undefined;
}

function compileLocation(
  config: LocationConfig,
  tables: RouteTables,
  logOutputs: LogOutputs | undefined,
): LocationRoute {
  const addHeaders = config.addHeaders.map((h) => ({
    name: h.name,
    value: compileTemplate(h.value),
    always: h.always,
  }));
  const ret = config.return ? compileReturn(config.return) : null;
  const errorPages = compileErrorPages(config.errorPages);
  const logs = logOutputs?.forLocation(config) ?? null;
  const local = { config, addHeaders, ret, errorPages, logs };
  const settings = config.proxy;
  if (!settings) return { ...local, proxy: null, pass: null };
  const base = routeBase(settings);
  if (settings.url !== undefined) {
    const pass: DynamicPass = {
      base,
      url: compileTemplate(settings.url),
      targets: tables.targets,
      resolver: settings.resolver ? tables.resolvers.get(settings.resolver) : null,
      resolverTimeoutMs: settings.resolverTimeoutMs ?? RESOLVER_TIMEOUT_MS,
    };
    return { ...local, proxy: null, pass };
  }
  const upstream = settings.upstream === undefined ? undefined : tables.upstreams.get(settings.upstream);
  if (!upstream) throw new Error(`no upstream "${settings.upstream}" for location "${config.path}"`);
  const method = upstream.method;
  const proxy: ProxyRoute = {
    ...base,
    upstream,
    proxyHost: upstream.name,
    hashKey: method.kind === 'hash' ? compileTemplate(method.key) : null,
    keepalive: upstream.pool.max > 0,
  };
  return { ...local, proxy, pass: null };
}

function routeBase(settings: ProxySettings): RouteBase {
  const overridden = new Set(settings.setHeaders.map((h) => h.name.toLowerCase()));
  return {
    settings,
    setHeaders: settings.setHeaders.map((h) => ({ name: h.name, value: compileTemplate(h.value) })),
    notCopied: new Set([...overridden, ...DEFAULT_HEADER_NAMES, ...ALWAYS_DROPPED]),
    sendHost: !overridden.has('host'),
    sendConnectionClose: !overridden.has('connection'),
    sendContentLength: !overridden.has('content-length'),
    sendTransferEncoding: !overridden.has('transfer-encoding'),
    mask: maskOf(settings.nextUpstream),
  };
}
