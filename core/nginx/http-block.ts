import type { BlockItem } from './ast';
import { notAllowedHere } from './directive-rules';
import { ConfigError } from './errors';
import type { Interpretation } from './interpretation';
import { isUnderstood } from './known-directives';
import type { LogFormatConfig } from '../balancer/config';
import { parseLogFormat } from './log-directives';
import { applyScopeDirective, emptyScope, type ScopeSettings } from './scope-settings';
import { parseServerBlock, type ParsedServer } from './server-block';
import { parseUpstreamBlock, type ParsedUpstream } from './upstream-block';

/** The http block as written, in config order; see assembleProxyConfig for what it becomes. */
export interface ParsedHttp {
  scope: ScopeSettings;
  upstreams: ParsedUpstream[];
  servers: ParsedServer[];
  logFormats: LogFormatConfig[];
}

export function parseHttpBlock(items: BlockItem[], interpretation: Interpretation): ParsedHttp {
  const http: ParsedHttp = { scope: emptyScope(), upstreams: [], servers: [], logFormats: [] };
  const upstreamNames = new Set<string>();
  for (const item of items) {
    if (item.kind === 'lab-comment') {
      throw new ConfigError(item.at, 'upstream-lab comments are only understood inside an upstream block');
    }
    if (item.name === 'upstream') {
      // Upstream names are case-insensitive in nginx.
      const name = item.args.length === 1 ? item.args[0]?.value : undefined;
      if (name !== undefined && upstreamNames.has(name.toLowerCase())) {
        throw new ConfigError(item.at, `duplicate upstream "${name}"`);
      }
      const upstream = parseUpstreamBlock(item, interpretation);
      upstreamNames.add(upstream.config.name.toLowerCase());
      http.upstreams.push(upstream);
    } else if (item.name === 'log_format') {
      http.logFormats.push(parseLogFormat(item, http.logFormats));
    } else if (item.name === 'server') {
      http.servers.push(parseServerBlock(item, interpretation));
    } else if (applyScopeDirective(item, http.scope, 'http', interpretation)) {
      continue;
    } else if (isUnderstood(item.name)) {
      throw notAllowedHere(item);
    } else {
      interpretation.ignore(item);
    }
  }
  return http;
}
