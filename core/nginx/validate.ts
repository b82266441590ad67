import {
  SERVER_DEFAULTS,
  type LocationConfig,
  type ProxyConfig,
  type ProxySettings,
  type ServerBlockConfig,
  type ServerConfig,
  type UpstreamConfig,
} from '../balancer/config';
import { unknownVariableIn } from '../balancer/variables';
import { joinHostPort, splitHostPort } from './address';
import { formatPosition } from './errors';
import type { SourceMap } from './interpretation';
import { proxyConfigSchema } from './schema';
import { methodRejectsBackup } from './server-parameters';

export interface ValidationIssue {
  /** Where in the config: `upstreams[0].servers[1].weight`, `servers[0].locations[2].proxy.upstream`. */
  path: string;
  message: string;
}

export type ValidationResult = { ok: true; config: ProxyConfig } | { ok: false; issues: ValidationIssue[] };

/** A ProxyConfig that breaks the rules; `issues` has every problem found. */
export class InvalidProxyConfigError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(`invalid proxy config:\n${issues.map((issue) => `  ${formatValidationIssue(issue)}`).join('\n')}`);
    this.name = 'InvalidProxyConfigError';
  }
}

/** Upstream block names the writer can print and proxy_pass can name. */
const UPSTREAM_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Checks a ProxyConfig built outside the nginx parser (the UI, the API) against the rules the
 * parser enforces: the shape (proxyConfigSchema), then nginx's cross-field rules.
 */
export function validateProxyConfig(value: unknown): ValidationResult {
  const shape = proxyConfigSchema.safeParse(value);
  if (!shape.success) {
    return {
      ok: false,
      issues: shape.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    };
  }
  const config = shape.data;
  const issues = [...upstreamIssues(config.upstreams), ...serverBlockIssues(config)];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config };
}

/** Returns the config (a checked copy) or throws InvalidProxyConfigError. */
export function assertValidProxyConfig(value: unknown): ProxyConfig {
  const result = validateProxyConfig(value);
  if (!result.ok) throw new InvalidProxyConfigError(result.issues);
  return result.config;
}

/** `PATH: message`, or `FILE:LINE:COL: message` when the path (or its parent) came from a file. */
export function formatValidationIssue(issue: ValidationIssue, sourceMap?: SourceMap): string {
  for (let path = issue.path; ;) {
    const at = sourceMap?.[path];
    if (at) return `${formatPosition(at)}: ${issue.message}`;
    const parent = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (parent === path || parent === '') return `${issue.path}: ${issue.message}`;
    path = parent;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function upstreamIssues(upstreams: UpstreamConfig[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const names = new Set<string>();
  upstreams.forEach((upstream, index) => {
    const path = `upstreams[${index}]`;
    const issue = (where: string, message: string) => issues.push({ path: `${path}${where}`, message });
    const key = upstream.name.toLowerCase();
    if (names.has(key)) issue('.name', `duplicate upstream "${upstream.name}"`);
    names.add(key);
    if (upstream.method.kind === 'random' && upstream.method.leastConn && !upstream.method.two) {
      issue('.method', 'random least_conn needs "two" (random two least_conn)');
    }
    if (!upstream.implicit && !UPSTREAM_NAME.test(upstream.name)) {
      issue('.name', `invalid upstream name "${upstream.name}" (use letters, digits, "_", "-" and ".")`);
    }
    upstream.servers.forEach((server, serverIndex) => {
      const where = `.servers[${serverIndex}]`;
      const problem = addressProblem(server.address);
      if (problem) issue(`${where}.address`, `${problem} in upstream "${server.address}"`);
      if (methodRejectsBackup(upstream.method)) {
        if (server.backup) issue(`${where}.backup`, methodConflict(upstream, 'backup'));
        if (server.slowStartSec > 0) issue(`${where}.slowStartSec`, methodConflict(upstream, 'slow_start'));
      }
    });
    if (upstream.servers.length > 0 && upstream.servers.every((server) => server.backup)) {
      issue('.servers', `no servers in upstream "${upstream.name}" (all of them are backup)`);
    }
    if (upstream.implicit) issues.push(...implicitIssues(upstream, path));
  });
  return issues;
}

function methodConflict(upstream: UpstreamConfig, parameter: string): string {
  return `balancing method does not support parameter "${parameter}" (upstream "${upstream.name}" uses ${upstream.method.kind})`;
}

function addressProblem(address: string): string | undefined {
  if (address.startsWith('unix:')) return address.length > 'unix:'.length ? undefined : 'no path';
  const parsed = splitHostPort(address);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** An implicit upstream is written as `proxy_pass http://NAME`, so it can carry nothing else. */
function implicitIssues(upstream: UpstreamConfig, path: string): ValidationIssue[] {
  const [server, ...others] = upstream.servers;
  const plain =
    server !== undefined &&
    others.length === 0 &&
    upstream.method.kind === 'round_robin' &&
    upstream.keepalive === 0 &&
    upstream.healthCheck === undefined &&
    hasDefaultParameters(server) &&
    server.address === impliedAddress(upstream.name);
  return plain
    ? []
    : [
        {
          path,
          message: `implicit upstream "${upstream.name}" must be one server "${impliedAddress(upstream.name)}" with default parameters; make it an upstream block`,
        },
      ];
}

function hasDefaultParameters(server: ServerConfig): boolean {
  return (Object.keys(SERVER_DEFAULTS) as (keyof typeof SERVER_DEFAULTS)[]).every(
    (key) => server[key] === SERVER_DEFAULTS[key],
  );
}

function impliedAddress(name: string): string {
  const parsed = splitHostPort(name);
  return typeof parsed === 'string' ? name : joinHostPort(parsed.host, parsed.port ?? 80);
}

function serverBlockIssues(config: ProxyConfig): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const upstreams = new Set(config.upstreams.map((upstream) => upstream.name));
  const defaults = new Set<string>();
  config.servers.forEach((server, index) => {
    const path = `servers[${index}]`;
    issues.push(...listenIssues(server, path, defaults));
    const locations = new Set<string>();
    server.locations.forEach((location, locationIndex) => {
      const where = `${path}.locations[${locationIndex}]`;
      const key = `${location.modifier === '=' ? '=' : ''}${location.path}`;
      if (locations.has(key))
        issues.push({ path: `${where}.path`, message: `duplicate location "${location.path}"` });
      locations.add(key);
      issues.push(...locationValueIssues(location, where));
      if (location.proxy) issues.push(...proxyTargetIssues(location.proxy, `${where}.proxy`, upstreams));
    });
  });
  return issues;
}

/** A location proxies to a named upstream, or to a URL with variables (then without `uri`). */
function proxyTargetIssues(proxy: ProxySettings, where: string, upstreams: Set<string>): ValidationIssue[] {
  if (proxy.url !== undefined) {
    if (proxy.upstream !== undefined || proxy.uri !== undefined) {
      return [
        { path: `${where}.url`, message: 'a proxy_pass URL with variables names no upstream and no uri' },
      ];
    }
    return [];
  }
  if (proxy.upstream === undefined)
    return [{ path: `${where}.upstream`, message: 'proxy_pass names no upstream' }];
  if (upstreams.has(proxy.upstream)) return [];
  return [{ path: `${where}.upstream`, message: `upstream "${proxy.upstream}" is not defined` }];
}

/** Values with variables must name variables nginx has, as `nginx -t` checks. */
function locationValueIssues(location: LocationConfig, where: string): ValidationIssue[] {
  const values: Array<[string, string]> = [
    ...location.addHeaders.map((h, i): [string, string] => [`${where}.addHeaders[${i}].value`, h.value]),
    ...(location.proxy?.setHeaders ?? []).map((h, i): [string, string] => [
      `${where}.proxy.setHeaders[${i}].value`,
      h.value,
    ]),
    ...(location.return?.body === undefined ? [] : [[`${where}.return.body`, location.return.body]]),
    ...(location.proxy?.url === undefined ? [] : [[`${where}.proxy.url`, location.proxy.url]]),
  ] as Array<[string, string]>;
  return values.flatMap(([path, value]) => {
    const message = valueProblem(value);
    return message === undefined ? [] : [{ path, message }];
  });
}

function valueProblem(value: string): string | undefined {
  try {
    const unknown = unknownVariableIn(value);
    return unknown === undefined ? undefined : `unknown "${unknown}" variable`;
  } catch (error) {
    return (error as Error).message;
  }
}

function listenIssues(server: ServerBlockConfig, path: string, defaults: Set<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const own = new Set<string>();
  server.listen.forEach((listen, index) => {
    const address = joinHostPort(listen.host, listen.port);
    const where = `${path}.listen[${index}]`;
    if (own.has(address)) issues.push({ path: where, message: `a duplicate listen ${address}` });
    own.add(address);
    if (listen.defaultServer) {
      if (defaults.has(address))
        issues.push({ path: where, message: `a duplicate default server for ${address}` });
      defaults.add(address);
    }
  });
  return issues;
}
