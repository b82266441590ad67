import type { ProxyConfig, UpstreamConfig } from '../../../core/balancer/config';
import { ConfigError } from '../../../core/nginx/errors';
import { parseNginxConfig, type ParseResult } from '../../../core/nginx/load-config';

export const FILE = 'lab/nginx.conf';

export const parse = (text: string): ParseResult => parseNginxConfig(text, FILE);

/** A config with `body` inside `http { ... }` and an events block. */
export const http = (body: string): string => `events {}\nhttp {\n${body}\n}\n`;

/** The ConfigError message (`FILE:LINE:COL: reason`) that parsing `text` throws. */
export function parseError(text: string): string {
  try {
    parseNginxConfig(text, FILE);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config parsed');
}

export function upstream(config: ProxyConfig, name: string): UpstreamConfig {
  const found = config.upstreams.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no upstream "${name}" in ${config.upstreams.map((u) => u.name).join(', ')}`);
  return found;
}
