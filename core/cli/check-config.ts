import type { Command } from 'commander';
import type {
  BalanceMethod,
  LocationConfig,
  ProxyConfig,
  ServerBlockConfig,
  ServerConfig,
  UpstreamConfig,
} from '../balancer/config';
import { joinHostPort } from '../nginx/address';
import { ConfigError, ConfigReadError, formatDiagnostic } from '../nginx/errors';
import { loadNginxConfig, type ParseResult } from '../nginx/load-config';
import { formatMs, formatSeconds, formatSize } from '../nginx/units';
import { CliError } from './errors';

export function registerCheckConfig(program: Command): void {
  program
    .command('check-config')
    .description('parse an nginx.conf and show what the balancer would run, with every ignored directive')
    .argument('<file>', 'nginx.conf to check')
    .option('--json', 'print the parsed config and warnings as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const result = await loadOrExplain(file);
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : describe(file, result));
    });
}

async function loadOrExplain(file: string): Promise<ParseResult> {
  try {
    return await loadNginxConfig(file);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ConfigReadError) throw new CliError(error.message);
    throw error;
  }
}

function describe(file: string, { config, warnings }: ParseResult): string {
  const lines = [`${file}: ok (${summary(config)}, ${plural(warnings.length, 'warning')})`, ''];
  for (const upstream of config.upstreams) lines.push(...describeUpstream(upstream), '');
  for (const server of config.servers) lines.push(...describeServer(server), '');
  if (warnings.length > 0) {
    lines.push('warnings:', ...warnings.map((warning) => `    ${formatDiagnostic(warning)}`), '');
  }
  return lines.join('\n');
}

function summary(config: ProxyConfig): string {
  return `${plural(config.upstreams.length, 'upstream')}, ${plural(config.servers.length, 'server block')}`;
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

function describeUpstream(upstream: UpstreamConfig): string[] {
  const traits = [
    methodName(upstream.method),
    upstream.keepalive > 0 ? `keepalive ${upstream.keepalive}` : 'no keepalive',
    ...(upstream.implicit ? ['implicit, from proxy_pass'] : []),
  ];
  const check = upstream.healthCheck;
  return [
    `upstream ${upstream.name} (${traits.join(', ')})`,
    ...upstream.servers.map((server) => `    server ${server.address} ${serverParameters(server)}`),
    ...(check
      ? [
          `    health_check uri=${check.path} interval=${formatMs(check.intervalMs)} timeout=${formatMs(check.timeoutMs)} ` +
            `fails=${check.fall} passes=${check.rise} status=${(check.expectStatus ?? [200, 399]).join('-')}`,
        ]
      : []),
  ];
}

function methodName(method: BalanceMethod): string {
  switch (method.kind) {
    case 'hash':
      return `hash ${method.key}${method.consistent ? ' consistent' : ''}`;
    case 'random':
      return `random${method.two ? ' two' : ''}${method.leastConn ? ' least_conn' : ''}`;
    default:
      return method.kind;
  }
}

function serverParameters(server: ServerConfig): string {
  return [
    `weight=${server.weight}`,
    `max_fails=${server.maxFails}`,
    `fail_timeout=${formatSeconds(server.failTimeoutSec)}`,
    `max_conns=${server.maxConns}`,
    `slow_start=${formatSeconds(server.slowStartSec)}`,
    ...(server.backup ? ['backup'] : []),
    ...(server.down ? ['down'] : []),
  ].join(' ');
}

function describeServer(server: ServerBlockConfig): string[] {
  const listen = server.listen
    .map((entry) => `${joinHostPort(entry.host, entry.port)}${entry.defaultServer ? ' default_server' : ''}`)
    .join(', ');
  const names = server.serverNames.length > 0 ? server.serverNames.join(' ') : '""';
  return [
    `server listen ${listen}; server_name ${names}`,
    `    client_header_timeout=${formatMs(server.clientHeaderTimeoutMs)} client_body_timeout=${formatMs(server.clientBodyTimeoutMs)} ` +
      `keepalive_timeout=${formatMs(server.keepaliveTimeoutMs)} client_max_body_size=${formatSize(server.clientMaxBodySize)}`,
    ...server.locations.flatMap(describeLocation),
  ];
}

function describeLocation(location: LocationConfig): string[] {
  const match = `${location.modifier && location.modifier !== '@' ? `${location.modifier} ` : ''}${location.path}`;
  const proxy = location.proxy;
  const target = location.return
    ? `return ${location.return.status}${location.return.body !== undefined ? ` ${JSON.stringify(location.return.body)}` : ''}`
    : proxy
      ? proxy.url !== undefined
        ? `proxy_pass ${proxy.url} (evaluated per request)`
        : `upstream ${proxy.upstream}${proxy.uri ?? ''}`
      : '404 (no proxy_pass)';
  const lines = [`    location ${match} -> ${target}`];
  if (proxy) {
    lines.push(
      `        proxy_http_version=${proxy.httpVersion} connect=${formatMs(proxy.connectTimeoutMs)} ` +
        `send=${formatMs(proxy.sendTimeoutMs)} read=${formatMs(proxy.readTimeoutMs)}`,
      `        next_upstream=${proxy.nextUpstream.length > 0 ? proxy.nextUpstream.join(',') : 'off'} ` +
        `tries=${proxy.nextUpstreamTries} timeout=${formatMs(proxy.nextUpstreamTimeoutMs)}`,
      ...proxy.setHeaders.map(
        (header) => `        proxy_set_header ${header.name} ${JSON.stringify(header.value)}`,
      ),
    );
  }
  lines.push(
    ...location.addHeaders.map(
      (header) =>
        `        add_header ${header.name} ${JSON.stringify(header.value)}${header.always ? ' always' : ''}`,
    ),
  );
  return lines;
}
