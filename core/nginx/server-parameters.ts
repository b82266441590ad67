import type { BalanceMethod, ServerConfig } from '../balancer/config';
import { invalidParameter } from './directive-rules';
import { ConfigError } from './errors';
import type { Interpretation } from './interpretation';
import type { WordToken } from './tokens';
import { parseCount, parseTime } from './units';

/** ip_hash, hash and random drop nginx's BACKUP flag (and nginx Plus forbids slow_start with them). */
export const methodRejectsBackup = (method: BalanceMethod): boolean =>
  method.kind === 'ip_hash' || method.kind === 'hash' || method.kind === 'random';

/** Where a parameter was written: on the `server` line, or in a `# upstream-lab:` comment after it. */
export type ParameterOrigin = 'server-line' | 'lab-comment';

/**
 * Applies one `server` parameter (ngx_http_upstream_server): `weight=N` (N >= 1), `max_fails=N`,
 * `fail_timeout=TIME` (whole seconds), `max_conns=N`, `backup`, `down`, plus `slow_start=TIME`.
 * Returns the parameter's name so the upstream can re-check it if the method is set later.
 */
export function applyServerParameter(
  server: ServerConfig,
  arg: WordToken,
  method: BalanceMethod,
  origin: ParameterOrigin,
  interpretation: Interpretation,
): string {
  const eq = arg.value.indexOf('=');
  const name = eq < 0 ? arg.value : arg.value.slice(0, eq);
  const value = eq < 0 ? undefined : arg.value.slice(eq + 1);

  if (origin === 'lab-comment' && name !== 'slow_start') {
    throw new ConfigError(arg.at, `invalid upstream-lab server parameter "${arg.value}"`);
  }
  if ((name === 'backup' || name === 'slow_start') && methodRejectsBackup(method)) {
    throw new ConfigError(arg.at, `balancing method does not support parameter "${arg.value}"`);
  }

  switch (eq < 0 ? name : `${name}=`) {
    case 'weight=':
      server.weight = positive(parseCount(value ?? ''), arg);
      break;
    case 'max_fails=':
      server.maxFails = defined(parseCount(value ?? ''), arg);
      break;
    case 'max_conns=':
      server.maxConns = defined(parseCount(value ?? ''), arg);
      break;
    case 'fail_timeout=':
      server.failTimeoutSec = defined(parseTime(value ?? '', true), arg);
      break;
    case 'slow_start=':
      server.slowStartSec = defined(parseTime(value ?? '', true), arg);
      if (origin === 'server-line') {
        interpretation.warn(
          arg.at,
          'nginx-plus',
          `"slow_start" is nginx Plus syntax that nginx OSS rejects; applied, and exported as an "# upstream-lab: slow_start=..." comment`,
        );
      }
      break;
    case 'backup':
      server.backup = true;
      break;
    case 'down':
      server.down = true;
      break;
    default:
      throw invalidParameter(arg);
  }
  return name;
}

function defined(value: number | undefined, arg: WordToken): number {
  if (value === undefined) throw invalidParameter(arg);
  return value;
}

function positive(value: number | undefined, arg: WordToken): number {
  if (value === undefined || value === 0) throw invalidParameter(arg);
  return value;
}
