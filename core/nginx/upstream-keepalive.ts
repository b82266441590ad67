import type { UpstreamConfig } from '../balancer/config';
import type { Directive } from './ast';
import { duplicate, expectArgs, expectSimple } from './directive-rules';
import { ConfigError } from './errors';
import { parseCount, parseTime } from './units';

type KeepaliveLimit = 'keepaliveRequests' | 'keepaliveTimeoutMs' | 'keepaliveTimeMs';

/** The upstream block's limits on cached connections (ngx_http_upstream_keepalive_module). */
export const UPSTREAM_KEEPALIVE_DIRECTIVES: Record<string, KeepaliveLimit> = {
  keepalive_requests: 'keepaliveRequests',
  keepalive_timeout: 'keepaliveTimeoutMs',
  keepalive_time: 'keepaliveTimeMs',
};

/** Sets `keepalive_requests N`, `keepalive_timeout T` or `keepalive_time T` on the upstream. */
export function setUpstreamKeepaliveLimit(config: Partial<UpstreamConfig>, directive: Directive): void {
  const key = UPSTREAM_KEEPALIVE_DIRECTIVES[directive.name];
  if (!key) return;
  expectSimple(directive);
  const [arg] = expectArgs(directive, 1, 1);
  const text = arg?.value ?? '';
  const value = key === 'keepaliveRequests' ? parseCount(text) : parseTime(text, false);
  if (value === undefined) {
    const kind = key === 'keepaliveRequests' ? 'number' : 'value';
    throw new ConfigError(directive.at, `"${directive.name}" directive invalid ${kind}`);
  }
  if (config[key] !== undefined) throw duplicate(directive);
  config[key] = value;
}
