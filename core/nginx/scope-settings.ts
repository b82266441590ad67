import {
  NEXT_UPSTREAM_CONDITIONS,
  type AddHeaderDirective,
  type ErrorPageDirective,
  type ErrorLogConfig,
  type HeaderDirective,
  type NextUpstreamCondition,
  type ProxySettings,
  type ServerBlockConfig,
} from '../balancer/config';
import type { Directive } from './ast';
import {
  duplicate,
  expectArgs,
  expectSimple,
  invalidParameter,
  invalidValue,
  notAllowedHere,
  onlyArg,
} from './directive-rules';
import { ConfigError } from './errors';
import type { Interpretation } from './interpretation';
import { parseAccessLog, parseErrorLog, type WrittenAccessLog } from './log-directives';
import { parseCount, parseSize, parseTime } from './units';
import { parseErrorPage, parseFlag } from './error-page-directive';
import { parseResolver } from './resolver-directive';
import { checkValueVariables } from './value-variables';

export type ScopeLevel = 'http' | 'server' | 'location';

type InheritedProxyFields = Omit<ProxySettings, 'upstream' | 'uri' | 'url' | 'setHeaders'>;
type ClientFields = Omit<ServerBlockConfig, 'listen' | 'serverNames' | 'locations' | 'serverLevel'>;

/**
 * The inheritable directives written at one level (http, server or location). An absent field
 * was not written there and is inherited from the enclosing level.
 */
export interface ScopeSettings {
  proxy: Partial<InheritedProxyFields>;
  client: Partial<ClientFields>;
  /** proxy_set_header lines of this level; inherited only when a level has none of its own. */
  setHeaders?: HeaderDirective[];
  /** add_header lines of this level; same inheritance rule as proxy_set_header. */
  addHeaders?: AddHeaderDirective[];
  /** error_page lines of this level; same inheritance rule. */
  errorPages?: ErrorPageDirective[];
  /** access_log lines of this level (`[]`: off); the innermost level that has any wins. */
  accessLog?: WrittenAccessLog[];
  errorLog?: ErrorLogConfig;
}

export const emptyScope = (): ScopeSettings => ({ proxy: {}, client: {} });

const PROXY_TIMES = {
  proxy_connect_timeout: 'connectTimeoutMs',
  proxy_read_timeout: 'readTimeoutMs',
  proxy_send_timeout: 'sendTimeoutMs',
  proxy_next_upstream_timeout: 'nextUpstreamTimeoutMs',
} as const satisfies Record<string, keyof InheritedProxyFields>;

const CLIENT_TIMES = {
  client_header_timeout: 'clientHeaderTimeoutMs',
  client_body_timeout: 'clientBodyTimeoutMs',
  keepalive_timeout: 'keepaliveTimeoutMs',
  send_timeout: 'sendTimeoutMs',
} as const satisfies Record<string, keyof ClientFields>;

const isKeyOf = <T extends object>(table: T, key: string): key is Extract<keyof T, string> =>
  Object.hasOwn(table, key);

/** Applies a proxy_* / add_header / client_* directive to `scope`; false if it is none of those. */
export function applyScopeDirective(
  directive: Directive,
  scope: ScopeSettings,
  level: ScopeLevel,
  interpretation: Interpretation,
): boolean {
  const { name } = directive;
  if (name === 'proxy_set_header') {
    expectSimple(directive);
    const [header, value] = expectArgs(directive, 2);
    if (value) checkValueVariables(value);
    (scope.setHeaders ??= []).push({ name: header?.value ?? '', value: value?.value ?? '' });
  } else if (name === 'add_header') {
    expectSimple(directive);
    const [header, value, always] = expectArgs(directive, 2, 3);
    if (always && always.value !== 'always') throw invalidParameter(always);
    if (value) checkValueVariables(value);
    (scope.addHeaders ??= []).push({
      name: header?.value ?? '',
      value: value?.value ?? '',
      always: always !== undefined,
    });
  } else if (name === 'error_page') {
    expectSimple(directive);
    (scope.errorPages ??= []).push(parseErrorPage(directive));
  } else if (name === 'recursive_error_pages') {
    // Off is nginx's default and what the balancer does.
    if (parseFlag(directive)) {
      interpretation.unsupported(
        directive.at,
        '"recursive_error_pages on" is not supported; ignored (an error_page target\'s own errors get the plain page)',
      );
    }
  } else if (name === 'proxy_intercept_errors') {
    setOnce(directive, scope.proxy, 'interceptErrors', parseFlag(directive));
  } else if (name === 'access_log') {
    (scope.accessLog ??= []).push(...parseAccessLog(directive));
  } else if (name === 'error_log') {
    scope.errorLog = parseErrorLog(directive);
  } else if (name === 'proxy_next_upstream') {
    setOnce(directive, scope.proxy, 'nextUpstream', parseNextUpstream(directive));
  } else if (name === 'proxy_next_upstream_tries') {
    const value = parseCount(onlyArg(directive).value);
    if (value === undefined) throw new ConfigError(directive.at, `"${name}" directive invalid number`);
    setOnce(directive, scope.proxy, 'nextUpstreamTries', value);
  } else if (name === 'resolver') {
    setOnce(directive, scope.proxy, 'resolver', parseResolver(directive));
  } else if (name === 'resolver_timeout') {
    setOnce(directive, scope.proxy, 'resolverTimeoutMs', timeValue(directive));
  } else if (name === 'proxy_http_version') {
    const arg = onlyArg(directive);
    if (arg.value !== '1.0' && arg.value !== '1.1') throw invalidValue(arg);
    setOnce(directive, scope.proxy, 'httpVersion', arg.value);
  } else if (isKeyOf(PROXY_TIMES, name)) {
    setOnce(directive, scope.proxy, PROXY_TIMES[name], timeValue(directive));
  } else if (isKeyOf(CLIENT_TIMES, name)) {
    if (name === 'client_header_timeout' && level === 'location') throw notAllowedHere(directive);
    const value = timeValue(directive, name === 'keepalive_timeout' ? 2 : 1);
    if (level === 'location') return unsupportedInLocation(directive, interpretation);
    setOnce(directive, scope.client, CLIENT_TIMES[name], value);
    const headerTimeout = directive.args[1];
    if (headerTimeout) {
      interpretation.warn(
        headerTimeout.at,
        'ignored',
        `ignored "keepalive_timeout" parameter "${headerTimeout.value}" (the Keep-Alive response header)`,
      );
    }
  } else if (name === 'underscores_in_headers' || name === 'ignore_invalid_headers') {
    if (level === 'location') throw notAllowedHere(directive);
    const field = name === 'underscores_in_headers' ? 'underscoresInHeaders' : 'ignoreInvalidHeaders';
    setOnce(directive, scope.client, field, parseFlag(directive));
  } else if (name === 'keepalive_requests') {
    const value = parseCount(onlyArg(directive).value);
    if (value === undefined) throw new ConfigError(directive.at, `"${name}" directive invalid value`);
    if (level === 'location') return unsupportedInLocation(directive, interpretation);
    setOnce(directive, scope.client, 'keepaliveRequests', value);
  } else if (name === 'client_max_body_size') {
    const value = parseSize(onlyArg(directive).value);
    if (value === undefined) throw new ConfigError(directive.at, `"${name}" directive invalid value`);
    if (level === 'location') return unsupportedInLocation(directive, interpretation);
    setOnce(directive, scope.client, 'clientMaxBodySize', value);
  } else {
    return false;
  }
  return true;
}

function parseNextUpstream(directive: Directive): NextUpstreamCondition[] {
  expectSimple(directive);
  const args = expectArgs(directive, 1, Infinity);
  const chosen = new Set<string>();
  let off = false;
  for (const arg of args) {
    if (arg.value === 'off') off = true;
    else if ((NEXT_UPSTREAM_CONDITIONS as readonly string[]).includes(arg.value)) chosen.add(arg.value);
    else throw invalidValue(arg);
  }
  // `off` anywhere in the list clears it, as in ngx_http_proxy_merge_loc_conf.
  return off ? [] : NEXT_UPSTREAM_CONDITIONS.filter((condition) => chosen.has(condition));
}

function timeValue(directive: Directive, maxArgs = 1): number {
  expectSimple(directive);
  const args = expectArgs(directive, 1, maxArgs);
  for (const [index, arg] of args.entries()) {
    const value = parseTime(arg.value, index > 0);
    if (value === undefined)
      throw new ConfigError(directive.at, `"${directive.name}" directive invalid value`);
  }
  return parseTime(args[0]?.value ?? '', false) ?? 0;
}

function setOnce<T extends object, K extends keyof T>(
  directive: Directive,
  target: T,
  key: K,
  value: T[K],
): void {
  if (target[key] !== undefined) throw duplicate(directive);
  target[key] = value;
}

function unsupportedInLocation(directive: Directive, interpretation: Interpretation): true {
  interpretation.unsupported(
    directive.at,
    `"${directive.name}" inside a location is not supported; ignored (set it at server or http level)`,
  );
  return true;
}
