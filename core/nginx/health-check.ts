import type { HealthCheckConfig } from '../balancer/config';
import { invalidParameter } from './directive-rules';
import type { Interpretation } from './interpretation';
import type { WordToken } from './tokens';
import { parseCount, parseTime } from './units';

/** Values used for parameters a health check leaves out (interval, fails, passes as in nginx Plus). */
export const HEALTH_CHECK_DEFAULTS: Omit<HealthCheckConfig, 'expectStatus'> = {
  path: '/',
  intervalMs: 5000,
  timeoutMs: 1000,
  rise: 1,
  fall: 1,
};

/** nginx Plus parameters that change nothing in upstream-lab. */
const PLUS_ONLY = new Set(['jitter', 'match', 'port', 'mandatory', 'persistent', 'type', 'keepalive_time']);

/**
 * `health_check [uri=/path] [interval=TIME] [timeout=TIME] [fails=N] [passes=N] [status=LO[-HI]]`,
 * from an `# upstream-lab:` comment or nginx Plus's `health_check` directive.
 */
export function parseHealthCheck(args: WordToken[], interpretation: Interpretation): HealthCheckConfig {
  const check: HealthCheckConfig = { ...HEALTH_CHECK_DEFAULTS };
  for (const arg of args) {
    const eq = arg.value.indexOf('=');
    const name = eq < 0 ? arg.value : arg.value.slice(0, eq);
    const value = eq < 0 ? '' : arg.value.slice(eq + 1);
    switch (eq < 0 ? name : `${name}=`) {
      case 'uri=':
        if (!value.startsWith('/')) throw invalidParameter(arg);
        check.path = value;
        break;
      case 'interval=':
        check.intervalMs = nonZero(parseTime(value, false), arg);
        break;
      case 'timeout=':
        check.timeoutMs = nonZero(parseTime(value, false), arg);
        break;
      case 'fails=':
        check.fall = nonZero(parseCount(value), arg);
        break;
      case 'passes=':
        check.rise = nonZero(parseCount(value), arg);
        break;
      case 'status=':
        check.expectStatus = statusRange(value, arg);
        break;
      default:
        if (!PLUS_ONLY.has(name)) throw invalidParameter(arg);
        interpretation.warn(arg.at, 'ignored', `ignored health_check parameter "${arg.value}"`);
    }
  }
  return check;
}

function nonZero(value: number | undefined, arg: WordToken): number {
  if (value === undefined || value === 0) throw invalidParameter(arg);
  return value;
}

function statusRange(text: string, arg: WordToken): [number, number] {
  const match = /^(\d{3})(?:-(\d{3}))?$/.exec(text);
  const low = Number(match?.[1]);
  const high = match?.[2] === undefined ? low : Number(match[2]);
  if (!match || low < 100 || high > 599 || low > high) throw invalidParameter(arg);
  return [low, high];
}
