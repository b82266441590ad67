const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * A Compose duration (Go's time.ParseDuration: `1m30s`, `10s`, `500ms`, `1.5h`) in milliseconds;
 * a bare `0` is zero. Undefined when it is not one.
 */
export function parseDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  let total = 0;
  let i = 0;
  while (i < text.length) {
    PART.lastIndex = i;
    const match = PART.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    i = PART.lastIndex;
  }
  return i > 0 && Number.isFinite(total) ? total : undefined;
}
