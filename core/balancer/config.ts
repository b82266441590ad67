/**
 * The balancer's configuration model. The nginx parser produces it, the balancer runs it and the
 * nginx writer prints it back. Times are in milliseconds unless the name says otherwise.
 */

export type BalanceMethod =
  | { kind: 'round_robin' }
  | { kind: 'least_conn' }
  | { kind: 'ip_hash' }
  | { kind: 'hash'; key: string; consistent: boolean }
  | { kind: 'random'; two: boolean; leastConn: boolean };

export interface ServerConfig {
  /** The address as written in the config (`backend1:8000`, `127.0.0.1:19001`, `unix:/x.sock`). */
  address: string;
  weight: number;
  maxFails: number;
  /** nginx keeps fail_timeout in whole seconds. */
  failTimeoutSec: number;
  /** 0 = unlimited. */
  maxConns: number;
  backup: boolean;
  down: boolean;
  /** Beyond nginx OSS: ramp the weight up over this many seconds after the peer (re)joins. 0 = off. */
  slowStartSec: number;
}

export interface HealthCheckConfig {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive passes that make an unhealthy peer healthy. */
  rise: number;
  /** Consecutive failures that make a healthy peer unhealthy. */
  fall: number;
  /** Status codes that count as a pass; default 200-399. */
  expectStatus?: [number, number];
}

export interface UpstreamConfig {
  name: string;
  method: BalanceMethod;
  servers: ServerConfig[];
  /** Idle keep-alive connections cached per upstream (nginx `keepalive N`); 0 = none. */
  keepalive: number;
  /** `keepalive_requests`: a cached connection is closed after this many requests (1000). */
  keepaliveRequests?: number;
  /** `keepalive_timeout`: how long a connection may stay idle in the cache (60s). */
  keepaliveTimeoutMs?: number;
  /** `keepalive_time`: a connection is not cached again once this old (1h). */
  keepaliveTimeMs?: number;
  /** Created from `proxy_pass http://host:port` without an upstream block. */
  implicit: boolean;
  healthCheck?: HealthCheckConfig;
}

export const NEXT_UPSTREAM_CONDITIONS = [
  'error',
  'timeout',
  'invalid_header',
  'non_idempotent',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
  'http_403',
  'http_404',
  'http_429',
] as const;
export type NextUpstreamCondition = (typeof NEXT_UPSTREAM_CONDITIONS)[number];

export interface HeaderDirective {
  name: string;
  /** Unevaluated value with nginx variables, e.g. `$proxy_add_x_forwarded_for`. */
  value: string;
}

export interface AddHeaderDirective extends HeaderDirective {
  always: boolean;
}

/** `error_page CODE ... [=[RESPONSE]] URI`: a local URI (internal redirect) or a URL (redirect). */
export interface ErrorPageDirective {
  codes: number[];
  /** `=RESPONSE`: the status sent instead; 0 for a bare `=` (the target's own status). */
  response?: number;
  uri: string;
}

/** `resolver ADDRESS ... [valid=TIME] [ipv6=on|off]`: the name servers for proxy_pass with variables. */
export interface ResolverConfig {
  /** `127.0.0.1`, `127.0.0.1:5353`, `[::1]:53` (port 53 when none is written). */
  addresses: string[];
  /** `valid=`: how long an answer is cached instead of its TTL, in seconds. */
  validSec?: number;
  /** Also ask for AAAA records (nginx's default). */
  ipv6: boolean;
}

export interface ProxySettings {
  /**
   * Name of the upstream block (or implicit upstream) this location proxies to; absent when the
   * proxy_pass URL has variables (`url`).
   */
  upstream?: string;
  /** URI part of a literal proxy_pass, if any (`proxy_pass http://backend/api/` → `/api/`). */
  uri?: string;
  /** A proxy_pass URL with variables as written (`http://$pool$request_uri`), evaluated per request. */
  url?: string;
  resolver?: ResolverConfig;
  /** `resolver_timeout` (30s). */
  resolverTimeoutMs?: number;
  setHeaders: HeaderDirective[];
  /** Empty array means `proxy_next_upstream off`. */
  nextUpstream: NextUpstreamCondition[];
  nextUpstreamTries: number;
  nextUpstreamTimeoutMs: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  sendTimeoutMs: number;
  httpVersion: '1.0' | '1.1';
  /** `proxy_intercept_errors on`: upstream statuses >= 300 with an error_page get that page. */
  interceptErrors?: boolean;
}

export interface LocationConfig {
  /**
   * `=` exact, `^~` prefix without regex, `` plain prefix; `@` a named location (`path` is its
   * name, `@fallback`), reached only by error_page. Regex locations are not supported.
   */
  modifier: '' | '=' | '^~' | '@';
  path: string;
  /** Absent when the location does not proxy (it then answers 404, as nginx would with no root). */
  proxy?: ProxySettings;
  addHeaders: AddHeaderDirective[];
  /** error_page lines in effect here (innermost level that has any). */
  errorPages?: ErrorPageDirective[];
  /** `return CODE [text]` inside the location. */
  return?: { status: number; body?: string };
  /** access_log lines in effect here; `[]` is `access_log off`, absent is nginx's default. */
  accessLog?: AccessLogConfig[];
  errorLog?: ErrorLogConfig;
}

export type LogEscape = 'default' | 'json' | 'none';

/** `log_format NAME [escape=...] STRING ...;` (the strings joined). */
export interface LogFormatConfig {
  name: string;
  escape: LogEscape;
  format: string;
}

/** `access_log PATH [FORMAT] [buffer=SIZE] [flush=TIME];` */
export interface AccessLogConfig {
  path: string;
  format: string;
  /** 0: every line is written as the request ends. */
  bufferBytes: number;
  /** 0: no flush timer (flushed when the buffer is full). */
  flushMs: number;
}

export const ERROR_LOG_LEVELS = [
  'debug',
  'info',
  'notice',
  'warn',
  'error',
  'crit',
  'alert',
  'emerg',
] as const;
export type ErrorLogLevel = (typeof ERROR_LOG_LEVELS)[number];

export interface ErrorLogConfig {
  path: string;
  level: ErrorLogLevel;
}

export interface ListenConfig {
  host: string;
  port: number;
  defaultServer: boolean;
}

/**
 * What the server level itself says (inherited from http): it applies to a request that matches
 * no location, as nginx's server-level location configuration does.
 */
export type ServerLevelConfig = Pick<LocationConfig, 'addHeaders' | 'errorPages' | 'accessLog' | 'errorLog'>;

export interface ServerBlockConfig {
  listen: ListenConfig[];
  serverNames: string[];
  locations: LocationConfig[];
  /** Absent when the server and http levels write none of these. */
  serverLevel?: ServerLevelConfig;
  /** Client side limits, mirroring nginx's client_* directives. */
  clientHeaderTimeoutMs: number;
  clientBodyTimeoutMs: number;
  keepaliveTimeoutMs: number;
  /** nginx send_timeout: the longest a write to the client may make no progress. */
  sendTimeoutMs: number;
  clientMaxBodySize: number;
  /** keepalive_requests: a client connection closes after this many requests (1000). */
  keepaliveRequests?: number;
  /** underscores_in_headers (off): a header name with `_` is then an invalid header. */
  underscoresInHeaders?: boolean;
  /** ignore_invalid_headers (on): invalid header lines are dropped rather than refused. */
  ignoreInvalidHeaders?: boolean;
}

export interface ProxyConfig {
  upstreams: UpstreamConfig[];
  servers: ServerBlockConfig[];
  /** User-defined log_format entries (`combined` is predefined). */
  logFormats?: LogFormatConfig[];
}

export const SERVER_DEFAULTS: Omit<ServerConfig, 'address'> = {
  weight: 1,
  maxFails: 1,
  failTimeoutSec: 10,
  maxConns: 0,
  backup: false,
  down: false,
  slowStartSec: 0,
};

export const PROXY_DEFAULTS: Omit<ProxySettings, 'upstream' | 'url'> = {
  setHeaders: [],
  nextUpstream: ['error', 'timeout'],
  nextUpstreamTries: 0,
  nextUpstreamTimeoutMs: 0,
  connectTimeoutMs: 60_000,
  readTimeoutMs: 60_000,
  sendTimeoutMs: 60_000,
  httpVersion: '1.0',
};

export const SERVER_BLOCK_DEFAULTS: Omit<
  ServerBlockConfig,
  'listen' | 'serverNames' | 'locations' | 'serverLevel'
> = {
  clientHeaderTimeoutMs: 60_000,
  clientBodyTimeoutMs: 60_000,
  keepaliveTimeoutMs: 75_000,
  sendTimeoutMs: 60_000,
  clientMaxBodySize: 1024 * 1024,
};
