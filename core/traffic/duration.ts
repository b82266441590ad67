const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `2m`, `1.5h`, or a bare number of seconds, to milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration (examples: 500ms, 30s, 2m, 0 = until stopped)`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 's']!);
}
