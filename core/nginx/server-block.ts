import type { ListenConfig } from '../balancer/config';
import type { Directive } from './ast';
import { expectArgs, expectBlock, expectSimple, notAllowedHere } from './directive-rules';
import { ConfigError, type SourcePosition } from './errors';
import type { Interpretation } from './interpretation';
import { isUnderstood } from './known-directives';
import { parseListen } from './listen';
import { parseLocationBlock, type ParsedLocation } from './location-block';
import { applyScopeDirective, emptyScope, type ScopeSettings } from './scope-settings';

/** A server block as written; inheritance and upstream references are resolved later. */
export interface ParsedServer {
  at: SourcePosition;
  listen: { config: ListenConfig; at: SourcePosition }[];
  serverNames: string[];
  scope: ScopeSettings;
  locations: ParsedLocation[];
}

/** `server { listen ...; server_name ...; location ... { } }` inside http. */
export function parseServerBlock(directive: Directive, interpretation: Interpretation): ParsedServer {
  const items = expectBlock(directive);
  expectArgs(directive, 0);
  const server: ParsedServer = {
    at: directive.at,
    listen: [],
    serverNames: [],
    scope: emptyScope(),
    locations: [],
  };
  const locationKeys = new Set<string>();
  for (const item of items) {
    if (item.kind === 'lab-comment') {
      throw new ConfigError(item.at, 'upstream-lab comments are only understood inside an upstream block');
    }
    switch (item.name) {
      case 'listen':
        server.listen.push({ config: parseListen(item, interpretation), at: item.at });
        continue;
      case 'server_name':
        expectSimple(item);
        server.serverNames.push(...serverNames(item, interpretation));
        continue;
      case 'location': {
        const location = parseLocationBlock(item, interpretation);
        if (!location) continue;
        // Exact and prefix locations live in separate trees; `^~ /a` and `/a` collide.
        const key = `${location.modifier === '=' ? '=' : ''}${location.path}`;
        if (locationKeys.has(key)) throw new ConfigError(item.at, `duplicate location "${location.path}"`);
        locationKeys.add(key);
        server.locations.push(location);
        continue;
      }
      case 'return':
        interpretation.unsupported(
          item.at,
          '"return" at server level is not supported; ignored (put it in a location)',
        );
        continue;
      case 'if':
        interpretation.unsupported(item.at, '"if" blocks are not supported; ignored');
        continue;
    }
    if (applyScopeDirective(item, server.scope, 'server', interpretation)) continue;
    if (isUnderstood(item.name)) throw notAllowedHere(item);
    interpretation.ignore(item);
  }
  return server;
}

/** nginx lower-cases server names (so `$server_name` is lower case); regex names are skipped. */
function serverNames(directive: Directive, interpretation: Interpretation): string[] {
  const names: string[] = [];
  for (const arg of expectArgs(directive, 1, Infinity)) {
    if (arg.value.startsWith('~')) {
      interpretation.unsupported(arg.at, `regex server names are not supported; ignored "${arg.value}"`);
    } else {
      names.push(arg.value.toLowerCase());
    }
  }
  return names;
}
