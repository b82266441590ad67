import {
  PROXY_DEFAULTS,
  SERVER_BLOCK_DEFAULTS,
  SERVER_DEFAULTS,
  type HealthCheckConfig,
  type ListenConfig,
  type LocationConfig,
  type ProxyConfig,
  type ProxySettings,
  type ResolverConfig,
  type ServerBlockConfig,
  type ServerLevelConfig,
  type ServerConfig,
  type UpstreamConfig,
} from '../balancer/config';
import { joinHostPort } from './address';
import { HEALTH_CHECK_DEFAULTS } from './health-check';
import { quoteArg } from './quote';
import { LAB_COMMENT_PREFIX } from './tokens';
import { formatMs, formatSeconds, formatSize } from './units';
import { locationLogLines, logFormatLines } from './write-logs';
import { assertValidProxyConfig } from './validate';

export interface WriteOptions {
  /**
   * Rewrites upstream server addresses, e.g. `{ 'backend1:8000': '127.0.0.1:19001' }` so a lab
   * export runs against local replicas. Unlisted addresses are kept.
   */
  mapAddress?: Record<string, string> | ((address: string, upstream: UpstreamConfig) => string);
  /** Write max_fails, fail_timeout and weight on every server line, even at their defaults. */
  explicitServerDefaults?: boolean;
  /** Main-context directives written verbatim before `events {}`, e.g. `worker_processes 1`. */
  mainDirectives?: string[];
  /** Directives written verbatim at the top of `http {}`, e.g. `access_log off`. */
  httpDirectives?: string[];
}

const INDENT = '    ';

/**
 * Prints a ProxyConfig as an nginx.conf that nginx OSS accepts (`events {}` + `http { upstreams,
 * servers }`), leaving out values that equal nginx's defaults. Settings are written in each location
 * (no inheritance is used), so parsing the output gives back the same ProxyConfig. Throws
 * InvalidProxyConfigError if the config breaks a rule nginx would reject.
 */
export function writeNginxConfig(config: ProxyConfig, options: WriteOptions = {}): string {
  assertValidProxyConfig(config);
  const mapAddress = addressMapper(options.mapAddress);
  const proxyTargets = new Map(
    config.upstreams.map((upstream) => [upstream.name, proxyTarget(upstream, mapAddress)] as const),
  );
  const http = [
    verbatim(options.httpDirectives),
    logFormatLines(config.logFormats),
    ...config.upstreams
      .filter((upstream) => !upstream.implicit)
      .map((upstream) => upstreamBlock(upstream, mapAddress, options)),
    ...config.servers.map((server) => serverBlock(server, proxyTargets)),
  ];
  const main = verbatim(options.mainDirectives);
  return [
    ...main,
    ...(main.length > 0 ? [''] : []),
    'events {}',
    '',
    ...block('http', paragraphs(http)),
    '',
  ].join('\n');
}

function verbatim(directives: string[] = []): string[] {
  return directives.map((directive) => `${directive.trim().replace(/;$/, '')};`);
}

type AddressMapper = (address: string, upstream: UpstreamConfig) => string;

function addressMapper(option: WriteOptions['mapAddress']): AddressMapper {
  if (typeof option === 'function') return option;
  return (address) => option?.[address] ?? address;
}

/** An implicit upstream is written as its single address: `proxy_pass http://127.0.0.1:9001`. */
function proxyTarget(upstream: UpstreamConfig, mapAddress: AddressMapper): string {
  const server = upstream.servers[0];
  if (!upstream.implicit || !server) return upstream.name;
  const mapped = mapAddress(server.address, upstream);
  return mapped === server.address ? upstream.name : mapped;
}

function upstreamBlock(upstream: UpstreamConfig, mapAddress: AddressMapper, options: WriteOptions): string[] {
  const method = methodDirective(upstream.method);
  // nginx drops keepalive if the balancing method comes after it, so the method goes first.
  const lines = [
    ...(method ? [method] : []),
    ...upstream.servers.map((server) => serverLine(server, mapAddress(server.address, upstream), options)),
    ...(upstream.keepalive > 0 ? [`keepalive ${upstream.keepalive};`] : []),
    ...(upstream.keepaliveRequests === undefined
      ? []
      : [`keepalive_requests ${upstream.keepaliveRequests};`]),
    ...(upstream.keepaliveTimeoutMs === undefined
      ? []
      : [`keepalive_timeout ${formatMs(upstream.keepaliveTimeoutMs)};`]),
    ...(upstream.keepaliveTimeMs === undefined
      ? []
      : [`keepalive_time ${formatMs(upstream.keepaliveTimeMs)};`]),
    ...(upstream.healthCheck ? [healthCheckComment(upstream.healthCheck)] : []),
  ];
  return block(`upstream ${upstream.name}`, lines);
}

function methodDirective(method: UpstreamConfig['method']): string | undefined {
  switch (method.kind) {
    case 'round_robin':
      return undefined;
    case 'least_conn':
    case 'ip_hash':
      return `${method.kind};`;
    case 'hash':
      return `hash ${quoteArg(method.key)}${method.consistent ? ' consistent' : ''};`;
    case 'random':
      return `random${method.two ? ' two' : ''}${method.two && method.leastConn ? ' least_conn' : ''};`;
  }
}

/** Parameter order follows the lab handouts: max_fails, fail_timeout, weight, then the rest. */
function serverLine(server: ServerConfig, address: string, options: WriteOptions): string {
  const all = options.explicitServerDefaults === true;
  const parameters = [
    all || server.maxFails !== SERVER_DEFAULTS.maxFails ? `max_fails=${server.maxFails}` : '',
    all || server.failTimeoutSec !== SERVER_DEFAULTS.failTimeoutSec
      ? `fail_timeout=${formatSeconds(server.failTimeoutSec)}`
      : '',
    all || server.weight !== SERVER_DEFAULTS.weight ? `weight=${server.weight}` : '',
    server.maxConns !== SERVER_DEFAULTS.maxConns ? `max_conns=${server.maxConns}` : '',
    server.backup ? 'backup' : '',
    server.down ? 'down' : '',
  ].filter((parameter) => parameter !== '');
  const line = `server ${[quoteArg(address), ...parameters].join(' ')};`;
  return server.slowStartSec > 0
    ? `${line} # ${LAB_COMMENT_PREFIX} slow_start=${formatSeconds(server.slowStartSec)}`
    : line;
}

function healthCheckComment(check: HealthCheckConfig): string {
  const parameters = [
    `uri=${check.path}`,
    check.intervalMs !== HEALTH_CHECK_DEFAULTS.intervalMs ? `interval=${formatMs(check.intervalMs)}` : '',
    check.timeoutMs !== HEALTH_CHECK_DEFAULTS.timeoutMs ? `timeout=${formatMs(check.timeoutMs)}` : '',
    check.fall !== HEALTH_CHECK_DEFAULTS.fall ? `fails=${check.fall}` : '',
    check.rise !== HEALTH_CHECK_DEFAULTS.rise ? `passes=${check.rise}` : '',
    check.expectStatus ? `status=${check.expectStatus[0]}-${check.expectStatus[1]}` : '',
  ].filter((parameter) => parameter !== '');
  return `# ${LAB_COMMENT_PREFIX} health_check ${parameters.map(quoteArg).join(' ')}`;
}

function serverBlock(server: ServerBlockConfig, proxyTargets: Map<string, string>): string[] {
  const head = [
    ...server.listen.map(listenLine),
    ...(server.serverNames.length > 0 ? [`server_name ${server.serverNames.map(quoteArg).join(' ')};`] : []),
  ];
  const client = [
    timeLine(
      'client_header_timeout',
      server.clientHeaderTimeoutMs,
      SERVER_BLOCK_DEFAULTS.clientHeaderTimeoutMs,
    ),
    timeLine('client_body_timeout', server.clientBodyTimeoutMs, SERVER_BLOCK_DEFAULTS.clientBodyTimeoutMs),
    timeLine('keepalive_timeout', server.keepaliveTimeoutMs, SERVER_BLOCK_DEFAULTS.keepaliveTimeoutMs),
    timeLine('send_timeout', server.sendTimeoutMs, SERVER_BLOCK_DEFAULTS.sendTimeoutMs),
    server.clientMaxBodySize !== SERVER_BLOCK_DEFAULTS.clientMaxBodySize
      ? `client_max_body_size ${formatSize(server.clientMaxBodySize)};`
      : '',
    server.keepaliveRequests === undefined ? '' : `keepalive_requests ${server.keepaliveRequests};`,
    server.underscoresInHeaders === undefined
      ? ''
      : `underscores_in_headers ${server.underscoresInHeaders ? 'on' : 'off'};`,
    server.ignoreInvalidHeaders === undefined
      ? ''
      : `ignore_invalid_headers ${server.ignoreInvalidHeaders ? 'on' : 'off'};`,
  ].filter((line) => line !== '');
  const locations = server.locations.map((location) => locationBlock(location, proxyTargets));
  return block('server', paragraphs([head, client, serverLevelLines(server.serverLevel), ...locations]));
}

function listenLine(listen: ListenConfig): string {
  const address = listen.host === '0.0.0.0' ? String(listen.port) : joinHostPort(listen.host, listen.port);
  return `listen ${address}${listen.defaultServer ? ' default_server' : ''};`;
}

function locationBlock(location: LocationConfig, proxyTargets: Map<string, string>): string[] {
  const match =
    location.modifier === '' || location.modifier === '@'
      ? quoteArg(location.path)
      : `${location.modifier} ${quoteArg(location.path)}`;
  const proxy = location.proxy;
  const sections = [
    proxy ? [proxyPassLine(proxy, proxyTargets)] : [],
    proxy ? proxyTuning(proxy) : [],
    (proxy?.setHeaders ?? []).map(
      (header) => `proxy_set_header ${quoteArg(header.name)} ${quoteArg(header.value)};`,
    ),
    addHeaderLines(location),
    errorPageLines(location),
    location.return ? [returnLine(location.return)] : [],
    locationLogLines(location),
  ];
  return block(`location ${match}`, paragraphs(sections));
}

function proxyPassLine(proxy: ProxySettings, proxyTargets: Map<string, string>): string {
  if (proxy.url !== undefined) return `proxy_pass ${quoteArg(proxy.url)};`;
  const upstream = proxy.upstream ?? '';
  return `proxy_pass http://${proxyTargets.get(upstream) ?? upstream}${proxy.uri ?? ''};`;
}

function resolverLine(resolver: ResolverConfig): string {
  const parameters = [
    ...resolver.addresses.map(quoteArg),
    resolver.validSec === undefined ? '' : `valid=${formatSeconds(resolver.validSec)}`,
    resolver.ipv6 ? '' : 'ipv6=off',
  ].filter((parameter) => parameter !== '');
  return `resolver ${parameters.join(' ')};`;
}

/**
 * The server level's own lines. Safe to write beside the locations' flattened ones: a location's
 * list is empty (and would inherit these) only when the server's is empty too.
 */
function serverLevelLines(level: ServerLevelConfig | undefined): string[] {
  if (!level) return [];
  return [...addHeaderLines(level), ...errorPageLines(level), ...locationLogLines(level)];
}

function addHeaderLines(level: ServerLevelConfig): string[] {
  return level.addHeaders.map(
    (header) =>
      `add_header ${quoteArg(header.name)} ${quoteArg(header.value)}${header.always ? ' always' : ''};`,
  );
}

function errorPageLines(level: ServerLevelConfig): string[] {
  return (level.errorPages ?? []).map(
    (page) =>
      `error_page ${page.codes.join(' ')}${page.response === undefined ? '' : page.response === 0 ? ' =' : ` =${page.response}`} ${quoteArg(page.uri)};`,
  );
}

function proxyTuning(proxy: ProxySettings): string[] {
  const nextUpstream = proxy.nextUpstream.length > 0 ? proxy.nextUpstream.join(' ') : 'off';
  const defaultNextUpstream = PROXY_DEFAULTS.nextUpstream.join(' ');
  return [
    proxy.httpVersion !== PROXY_DEFAULTS.httpVersion ? `proxy_http_version ${proxy.httpVersion};` : '',
    proxy.interceptErrors ? 'proxy_intercept_errors on;' : '',
    proxy.resolver ? resolverLine(proxy.resolver) : '',
    proxy.resolverTimeoutMs === undefined ? '' : `resolver_timeout ${formatMs(proxy.resolverTimeoutMs)};`,
    timeLine('proxy_connect_timeout', proxy.connectTimeoutMs, PROXY_DEFAULTS.connectTimeoutMs),
    timeLine('proxy_send_timeout', proxy.sendTimeoutMs, PROXY_DEFAULTS.sendTimeoutMs),
    timeLine('proxy_read_timeout', proxy.readTimeoutMs, PROXY_DEFAULTS.readTimeoutMs),
    nextUpstream !== defaultNextUpstream ? `proxy_next_upstream ${nextUpstream};` : '',
    proxy.nextUpstreamTries !== PROXY_DEFAULTS.nextUpstreamTries
      ? `proxy_next_upstream_tries ${proxy.nextUpstreamTries};`
      : '',
    timeLine(
      'proxy_next_upstream_timeout',
      proxy.nextUpstreamTimeoutMs,
      PROXY_DEFAULTS.nextUpstreamTimeoutMs,
    ),
  ].filter((line) => line !== '');
}

function returnLine(response: NonNullable<LocationConfig['return']>): string {
  return `return ${response.status}${response.body !== undefined ? ` ${quoteArg(response.body)}` : ''};`;
}

function timeLine(name: string, ms: number, defaultMs: number): string {
  return ms === defaultMs ? '' : `${name} ${formatMs(ms)};`;
}

/** `head { lines }` indented one level; an empty body is written `head {}`. */
function block(head: string, lines: string[]): string[] {
  if (lines.length === 0) return [`${head} {}`];
  return [`${head} {`, ...lines.map((line) => (line === '' ? '' : `${INDENT}${line}`)), '}'];
}

/** Joins groups of lines with one blank line between the non-empty groups. */
function paragraphs(groups: string[][]): string[] {
  return groups
    .filter((group) => group.length > 0)
    .flatMap((group, index) => (index === 0 ? group : ['', ...group]));
}
