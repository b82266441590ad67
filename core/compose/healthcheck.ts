import type { ComposeContext } from './context';
import { parseDurationMs } from './durations';
import { parseBoolean, parseCount, type Mapping } from './scalars';
import type { Path } from './source-map';
import type { ComposeHealthcheck } from './types';

const DURATIONS = [
  ['interval', 'intervalMs'],
  ['timeout', 'timeoutMs'],
  ['start_period', 'startPeriodMs'],
  ['start_interval', 'startIntervalMs'],
] as const;

/**
 * `healthcheck:` with its test normalized (a string is CMD-SHELL; `NONE` disables; none at all is `[]`,
 * which Docker reads as the image's own test) and its durations in milliseconds.
 */
export function healthcheckOf(
  value: Mapping,
  path: Path,
  context: ComposeContext,
): ComposeHealthcheck | { disable: true } {
  const disable = value.disable === undefined ? false : parseBoolean(value.disable);
  if (disable === undefined) throw context.error([...path, 'disable'], 'must be true or false');
  if (disable) return { disable: true };
  const test = testOf(value.test, [...path, 'test'], context);
  if (test?.[0] === 'NONE') return { disable: true };
  const healthcheck: ComposeHealthcheck = { test: test ?? [] };
  for (const [key, field] of DURATIONS) {
    if (value[key] === undefined) continue;
    const ms = parseDurationMs(String(value[key]));
    if (ms === undefined)
      throw context.error(
        [...path, key],
        `${JSON.stringify(value[key])} is not a duration (like 1m30s, 10s, 500ms)`,
      );
    healthcheck[field] = ms;
  }
  if (value.retries !== undefined) {
    const retries = parseCount(value.retries);
    if (retries === undefined) throw context.error([...path, 'retries'], 'must be a whole number');
    healthcheck.retries = retries;
  }
  return healthcheck;
}

function testOf(test: unknown, path: Path, context: ComposeContext): string[] | undefined {
  if (test === undefined) return undefined;
  if (typeof test === 'string') return ['CMD-SHELL', test];
  const list = (test as unknown[]).map(String);
  const [kind] = list;
  if (kind === 'NONE') return list;
  if (kind === 'CMD-SHELL' && list.length === 2) return list;
  if (kind === 'CMD' && list.length > 1) return list;
  throw context.error(
    path,
    'a test list starts with CMD (then the command and its arguments), CMD-SHELL (then one command) or NONE',
  );
}
