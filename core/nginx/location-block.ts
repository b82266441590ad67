import type { LocationConfig } from '../balancer/config';
import type { Directive } from './ast';
import { duplicate, expectArgs, expectBlock, expectSimple, notAllowedHere, onlyArg } from './directive-rules';
import { ConfigError, type SourcePosition } from './errors';
import type { Interpretation } from './interpretation';
import { isUnderstood } from './known-directives';
import { parseProxyPass, type ProxyPass } from './proxy-pass';
import { parseReturn } from './return-directive';
import { applyScopeDirective, emptyScope, type ScopeSettings } from './scope-settings';
import type { WordToken } from './tokens';

/** A location as written; proxy settings are resolved once the whole http block is read. */
export interface ParsedLocation {
  modifier: LocationConfig['modifier'];
  path: string;
  at: SourcePosition;
  scope: ScopeSettings;
  proxyPass?: ProxyPass;
  return?: NonNullable<LocationConfig['return']>;
  returnAt?: SourcePosition;
  /** nginx Plus `health_check` in this location: it applies to the location's upstream. */
  healthCheck?: { args: WordToken[]; at: SourcePosition };
}

type Match = { modifier: LocationConfig['modifier'] | '~' | '~*'; path: string };

/**
 * `location [=|^~] PATH { ... }` and `location @name { ... }` (reached only by error_page). Regex
 * locations (`~`, `~*`) are reported as unsupported and skipped (undefined), like nested ones.
 */
export function parseLocationBlock(
  directive: Directive,
  interpretation: Interpretation,
): ParsedLocation | undefined {
  const items = expectBlock(directive);
  const match = locationMatch(directive);
  if (match.modifier === '~' || match.modifier === '~*') {
    const written = directive.args.map((arg) => arg.value).join(' ');
    interpretation.unsupported(
      directive.at,
      `regex locations are not supported; ignored "location ${written}"`,
    );
    return undefined;
  }
  const location: ParsedLocation = {
    modifier: match.modifier,
    path: match.path,
    at: directive.at,
    scope: emptyScope(),
  };
  for (const item of items) {
    if (item.kind === 'lab-comment') {
      throw new ConfigError(item.at, 'upstream-lab comments are only understood inside an upstream block');
    }
    locationDirective(item, location, interpretation);
  }
  return location;
}

function locationDirective(
  directive: Directive,
  location: ParsedLocation,
  interpretation: Interpretation,
): void {
  switch (directive.name) {
    case 'proxy_pass': {
      expectSimple(directive);
      const arg = onlyArg(directive);
      if (location.proxyPass) throw duplicate(directive);
      location.proxyPass = parseProxyPass(arg);
      if (location.modifier === '@' && 'uri' in location.proxyPass && location.proxyPass.uri !== undefined) {
        throw new ConfigError(
          directive.at,
          '"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block',
        );
      }
      return;
    }
    case 'return': {
      const parsed = parseReturn(directive);
      // The rewrite phase stops at the first return; later ones are never reached.
      if (location.return) {
        interpretation.warn(
          directive.at,
          'ignored',
          'ignored directive "return" (an earlier "return" always wins)',
        );
      } else {
        location.return = parsed;
        location.returnAt = directive.at;
      }
      return;
    }
    case 'health_check':
      expectSimple(directive);
      if (location.healthCheck) throw duplicate(directive);
      interpretation.warn(
        directive.at,
        'nginx-plus',
        `"health_check" is nginx Plus syntax that nginx OSS rejects; applied to this location's upstream, and exported as an "# upstream-lab: health_check" comment`,
      );
      location.healthCheck = { args: directive.args, at: directive.at };
      return;
    case 'location':
      expectBlock(directive);
      interpretation.unsupported(directive.at, 'nested locations are not supported; ignored');
      return;
    case 'if':
      interpretation.unsupported(directive.at, '"if" blocks are not supported; ignored');
      return;
  }
  if (applyScopeDirective(directive, location.scope, 'location', interpretation)) return;
  if (isUnderstood(directive.name)) throw notAllowedHere(directive);
  interpretation.ignore(directive);
}

/** ngx_http_core_location: the modifier is a separate word or glued to the path (`=/exact`). */
function locationMatch(directive: Directive): Match {
  const [first, second] = expectArgs(directive, 1, 2);
  if (!first) throw new Error('unreachable: expectArgs checked the count');
  if (second) {
    const modifier = first.value;
    if (modifier !== '=' && modifier !== '^~' && modifier !== '~' && modifier !== '~*') {
      throw new ConfigError(first.at, `invalid location modifier "${modifier}"`);
    }
    return { modifier, path: second.value };
  }
  const text = first.value;
  if (text.startsWith('=')) return { modifier: '=', path: text.slice(1) };
  if (text.startsWith('^~')) return { modifier: '^~', path: text.slice(2) };
  if (text.startsWith('~*')) return { modifier: '~*', path: text.slice(2) };
  if (text.startsWith('~')) return { modifier: '~', path: text.slice(1) };
  if (text.startsWith('@')) return { modifier: '@', path: text };
  return { modifier: '', path: text };
}
