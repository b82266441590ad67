import type { ResolverConfig } from '../balancer/config';
import type { Directive } from './ast';
import { joinHostPort, parsePort, splitHostPort } from './address';
import { expectArgs, expectSimple } from './directive-rules';
import { ConfigError } from './errors';
import { parseTime } from './units';

const DNS_PORT = 53;

/** `resolver ADDRESS ... [valid=TIME] [ipv6=on|off]`, checked as ngx_resolver_create does. */
export function parseResolver(directive: Directive): ResolverConfig {
  expectSimple(directive);
  const args = expectArgs(directive, 1, Infinity);
  const config: ResolverConfig = { addresses: [], ipv6: true };
  const fail = (message: string): ConfigError => new ConfigError(directive.at, message);
  for (const arg of args) {
    const text = arg.value;
    if (text.startsWith('valid=')) {
      const seconds = parseTime(text.slice('valid='.length), true);
      if (seconds === undefined) throw fail(`invalid parameter: ${text}`);
      config.validSec = seconds;
    } else if (text.startsWith('ipv6=')) {
      const value = text.slice('ipv6='.length);
      if (value !== 'on' && value !== 'off') throw fail(`invalid parameter: ${text}`);
      config.ipv6 = value === 'on';
    } else {
      config.addresses.push(resolverAddress(text, fail));
    }
  }
  if (config.addresses.length === 0) throw fail('no name servers defined');
  return config;
}

/** An IP address with an optional port; nginx would also resolve a name here at start. */
function resolverAddress(text: string, fail: (message: string) => ConfigError): string {
  const parsed = splitHostPort(text);
  // ngx_parse_inet_url checks the port (after the first colon) before the host: `::1` has a bad port.
  const colon = text.startsWith('[') ? -1 : text.indexOf(':');
  if (parsed === 'invalid port' || (colon >= 0 && parsePort(text.slice(colon + 1)) === undefined)) {
    throw fail(`invalid port in resolver "${text}"`);
  }
  if (typeof parsed === 'string') throw fail(`${parsed} in resolver "${text}"`);
  if (!isIpLiteral(parsed.host)) {
    if (/[=]/.test(parsed.host)) throw fail(`host not found in resolver "${text}"`);
    throw fail(
      `resolver "${text}": name servers given by name are not supported by upstream-lab (write an IP address)`,
    );
  }
  return joinHostPort(parsed.host, parsed.port ?? DNS_PORT);
}

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-f:.]+$/i.test(host));
}
