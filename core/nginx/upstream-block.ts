import {
  SERVER_DEFAULTS,
  type BalanceMethod,
  type HealthCheckConfig,
  type ServerConfig,
  type UpstreamConfig,
} from '../balancer/config';
import { splitHostPort } from './address';
import type { Directive, LabComment } from './ast';
import { METHOD_DIRECTIVES, parseBalanceMethod } from './balance-method';
import { duplicate, expectArgs, expectBlock, expectSimple, notAllowedHere, onlyArg } from './directive-rules';
import { ConfigError, type SourcePosition } from './errors';
import { parseHealthCheck } from './health-check';
import type { Interpretation } from './interpretation';
import { isUnderstood } from './known-directives';
import { applyServerParameter, methodRejectsBackup } from './server-parameters';
import type { WordToken } from './tokens';
import { parseCount } from './units';
import { setUpstreamKeepaliveLimit, UPSTREAM_KEEPALIVE_DIRECTIVES } from './upstream-keepalive';

export interface ParsedUpstream {
  config: UpstreamConfig;
  at: SourcePosition;
  serverPositions: SourcePosition[];
  healthCheckAt?: SourcePosition;
}

/** `upstream NAME { server ...; method; keepalive N; }` → UpstreamConfig. */
export function parseUpstreamBlock(directive: Directive, interpretation: Interpretation): ParsedUpstream {
  const items = expectBlock(directive);
  const name = onlyArg(directive).value;
  const builder = new UpstreamBuilder(name, interpretation);
  let previous: Directive | undefined;
  for (const item of items) {
    if (item.kind === 'lab-comment') {
      builder.labComment(item, previous);
    } else {
      builder.directive(item);
      previous = item;
    }
  }
  return builder.finish(directive);
}

class UpstreamBuilder {
  private method: BalanceMethod = { kind: 'round_robin' };
  private methodSet = false;
  private keepalive = 0;
  private keepaliveAt?: SourcePosition;
  private readonly servers: ServerConfig[] = [];
  private readonly serverPositions: SourcePosition[] = [];
  /** The first `backup` or `slow_start` parameter, which a later ip_hash/hash/random forbids. */
  private hashIncompatible?: WordToken;
  private healthCheck?: HealthCheckConfig;
  private healthCheckAt?: SourcePosition;
  private readonly limits: Partial<UpstreamConfig> = {};

  constructor(
    private readonly name: string,
    private readonly interpretation: Interpretation,
  ) {}

  directive(directive: Directive): void {
    if (directive.name === 'server') return this.server(directive);
    if (METHOD_DIRECTIVES.has(directive.name)) return this.setMethod(directive);
    if (directive.name === 'keepalive') return this.setKeepalive(directive);
    if (directive.name === 'health_check') {
      expectSimple(directive);
      this.interpretation.warn(
        directive.at,
        'nginx-plus',
        `"health_check" is nginx Plus syntax that nginx OSS rejects; applied, and exported as an "# upstream-lab: health_check" comment`,
      );
      return this.setHealthCheck(directive.args, directive.at);
    }
    // keepalive_timeout, _requests and _time here are about cached upstream connections.
    if (directive.name in UPSTREAM_KEEPALIVE_DIRECTIVES)
      return setUpstreamKeepaliveLimit(this.limits, directive);
    if (isUnderstood(directive.name)) throw notAllowedHere(directive);
    this.interpretation.ignore(directive);
  }

  labComment(comment: LabComment, previous: Directive | undefined): void {
    const [first, ...rest] = comment.words;
    if (!first) throw new ConfigError(comment.at, 'empty upstream-lab comment');
    if (first.value === 'health_check') return this.setHealthCheck(rest, comment.at);
    if (!first.value.includes('=')) {
      throw new ConfigError(first.at, `unknown upstream-lab directive "${first.value}"`);
    }
    const server = this.servers.at(-1);
    if (previous?.name !== 'server' || !server) {
      throw new ConfigError(comment.at, 'upstream-lab server parameters must follow a "server" line');
    }
    for (const word of comment.words) this.applyParameter(server, word, 'lab-comment');
  }

  finish(directive: Directive): ParsedUpstream {
    if (this.servers.length === 0) throw new ConfigError(directive.at, 'no servers are inside upstream');
    if (this.servers.every((server) => server.backup)) {
      throw new ConfigError(directive.at, `no servers in upstream "${this.name}"`);
    }
    const config: UpstreamConfig = {
      name: this.name,
      method: this.method,
      servers: this.servers,
      keepalive: this.keepalive,
      implicit: false,
      ...this.limits,
    };
    if (this.healthCheck) config.healthCheck = this.healthCheck;
    const parsed: ParsedUpstream = { config, at: directive.at, serverPositions: this.serverPositions };
    if (this.healthCheckAt) parsed.healthCheckAt = this.healthCheckAt;
    return parsed;
  }

  private server(directive: Directive): void {
    expectSimple(directive);
    const [address, ...parameters] = expectArgs(directive, 1, Infinity);
    if (!address) return;
    if (!address.value.startsWith('unix:')) {
      const parsed = splitHostPort(address.value);
      if (typeof parsed === 'string') {
        throw new ConfigError(address.at, `${parsed} in upstream "${address.value}"`);
      }
    }
    const server: ServerConfig = { address: address.value, ...SERVER_DEFAULTS };
    for (const parameter of parameters) this.applyParameter(server, parameter, 'server-line');
    this.servers.push(server);
    this.serverPositions.push(directive.at);
  }

  private applyParameter(server: ServerConfig, word: WordToken, origin: 'server-line' | 'lab-comment'): void {
    const name = applyServerParameter(server, word, this.method, origin, this.interpretation);
    if ((name === 'backup' || name === 'slow_start') && !this.hashIncompatible) this.hashIncompatible = word;
  }

  private setMethod(directive: Directive): void {
    const method = parseBalanceMethod(directive);
    if (methodRejectsBackup(method) && this.hashIncompatible) {
      // nginx 1.22 only checks servers that come after the method; we refuse both orders.
      const parameter = this.hashIncompatible;
      throw new ConfigError(
        directive.at,
        `balancing method "${directive.name}" does not support parameter "${parameter.value}" used at line ${parameter.at.line}`,
      );
    }
    if (this.keepaliveAt) {
      this.interpretation.warn(
        directive.at,
        'nginx',
        `load balancing method redefined: nginx drops the "keepalive" at line ${this.keepaliveAt.line} when the method comes after it; write the method first`,
      );
      this.keepalive = 0;
      this.keepaliveAt = undefined;
    } else if (this.methodSet) {
      this.interpretation.warn(directive.at, 'nginx', 'load balancing method redefined');
    }
    this.method = method;
    this.methodSet = true;
  }

  private setKeepalive(directive: Directive): void {
    expectSimple(directive);
    const arg = onlyArg(directive);
    if (this.keepalive > 0) throw duplicate(directive);
    const value = parseCount(arg.value);
    if (!value) throw new ConfigError(arg.at, `invalid value "${arg.value}" in "keepalive" directive`);
    this.keepalive = value;
    this.keepaliveAt = directive.at;
  }

  private setHealthCheck(args: WordToken[], at: SourcePosition): void {
    if (this.healthCheck) throw new ConfigError(at, `duplicate health check in upstream "${this.name}"`);
    this.healthCheck = parseHealthCheck(args, this.interpretation);
    this.healthCheckAt = at;
  }
}
