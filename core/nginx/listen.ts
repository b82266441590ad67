import type { ListenConfig } from '../balancer/config';
import { parsePort, splitHostPort } from './address';
import type { Directive } from './ast';
import { expectArgs, expectSimple, invalidParameter } from './directive-rules';
import { ConfigError } from './errors';
import type { Interpretation } from './interpretation';
import type { WordToken } from './tokens';

const ANY_HOST = '0.0.0.0';
const DEFAULT_PORT = 80;

/** What nginx uses for a server block without `listen` (when started as root). */
export const DEFAULT_LISTEN: ListenConfig = { host: ANY_HOST, port: DEFAULT_PORT, defaultServer: false };

/** Valid nginx listen parameters that do not change how upstream-lab serves plain HTTP. */
const IGNORED_PARAMETERS = [
  'http2',
  'spdy',
  'proxy_protocol',
  'reuseport',
  'deferred',
  'bind',
  'ipv6only=',
  'backlog=',
  'rcvbuf=',
  'sndbuf=',
  'setfib=',
  'fastopen=',
  'accept_filter=',
  'so_keepalive=',
];

/** `listen ADDRESS [default_server] [other nginx parameters]`. */
export function parseListen(directive: Directive, interpretation: Interpretation): ListenConfig {
  expectSimple(directive);
  const [address, ...parameters] = expectArgs(directive, 1, Infinity);
  if (!address) throw new Error('unreachable: expectArgs checked the count');
  const listen: ListenConfig = { ...listenAddress(address), defaultServer: false };
  for (const parameter of parameters) {
    const { value } = parameter;
    if (value === 'default_server' || value === 'default') {
      listen.defaultServer = true;
    } else if (value === 'ssl') {
      interpretation.unsupported(
        parameter.at,
        'TLS is not supported: "listen ... ssl" is served as plain HTTP by upstream-lab',
      );
    } else if (
      IGNORED_PARAMETERS.some((known) => (known.endsWith('=') ? value.startsWith(known) : value === known))
    ) {
      interpretation.warn(parameter.at, 'ignored', `ignored "listen" parameter "${value}"`);
    } else {
      throw invalidParameter(parameter);
    }
  }
  return listen;
}

function listenAddress(address: WordToken): Omit<ListenConfig, 'defaultServer'> {
  const text = address.value;
  const fail = (problem: string): ConfigError =>
    new ConfigError(address.at, `${problem} in "${text}" of the "listen" directive`);
  if (text.startsWith('unix:')) {
    throw new ConfigError(address.at, `unix sockets are not supported by upstream-lab in "listen"`);
  }
  if (/^\d+$/.test(text)) {
    const port = parsePort(text);
    if (port === undefined) throw fail('invalid port');
    return { host: ANY_HOST, port };
  }
  const star = text === '*' || text.startsWith('*:');
  const parsed = splitHostPort(star ? `${ANY_HOST}${text.slice(1)}` : text);
  if (typeof parsed === 'string') throw fail(parsed);
  return { host: parsed.host, port: parsed.port ?? DEFAULT_PORT };
}
