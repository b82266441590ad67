const INT32_MAX = 2 ** 31 - 1;

/** nginx's ngx_atoi: decimal digits only, no sign, no blanks. */
export function parseCount(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

const RANK = { start: 0, y: 1, M: 2, w: 3, d: 4, h: 5, m: 6, s: 7, ms: 8, bare: 9 } as const;
const UNIT_SECONDS: Record<string, { rank: number; seconds: number }> = {
  y: { rank: RANK.y, seconds: 365 * 24 * 3600 },
  M: { rank: RANK.M, seconds: 30 * 24 * 3600 },
  w: { rank: RANK.w, seconds: 7 * 24 * 3600 },
  d: { rank: RANK.d, seconds: 24 * 3600 },
  h: { rank: RANK.h, seconds: 3600 },
  m: { rank: RANK.m, seconds: 60 },
  s: { rank: RANK.s, seconds: 1 },
};

/**
 * nginx's ngx_parse_time: `30s`, `1m`, `500ms`, `1h 30m`, `1h30m`; a bare number is seconds. Units
 * must go from largest to smallest. Seconds-precision values (`secondsOnly`, e.g. fail_timeout)
 * reject `ms`; millisecond values reject `y` and `M`. Returns seconds or milliseconds accordingly.
 */
export function parseTime(text: string, secondsOnly: boolean): number | undefined {
  const perSecond = secondsOnly ? 1 : 1000;
  let step: number = secondsOnly ? RANK.start : RANK.M;
  let value = 0;
  let total = 0;
  let valid = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i++] ?? '';
    if (ch >= '0' && ch <= '9') {
      value = value * 10 + Number(ch);
      valid = true;
      if (value > INT32_MAX) return undefined;
      continue;
    }
    let rank: number;
    let factor: number;
    if (ch === 'm' && text[i] === 's') {
      if (secondsOnly || step >= RANK.ms) return undefined;
      i++;
      rank = RANK.ms;
      factor = 1;
    } else if (ch === ' ') {
      if (step >= RANK.s) return undefined;
      rank = RANK.bare;
      factor = perSecond;
    } else {
      const unit = UNIT_SECONDS[ch];
      if (!unit || step >= unit.rank) return undefined;
      rank = unit.rank;
      factor = unit.seconds * perSecond;
    }
    step = rank;
    total += value * factor;
    if (total > INT32_MAX) return undefined;
    value = 0;
    while (text[i] === ' ') i++;
  }
  if (!valid) return undefined;
  total += value * perSecond;
  return total > INT32_MAX ? undefined : total;
}

const SIZE_UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** nginx's ngx_parse_offset: `1024`, `8k`, `1m`, `1g` (case-insensitive). */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** An exact nginx spelling of a duration in milliseconds: `0`, `30s`, `1500ms`. */
export function formatMs(ms: number): string {
  if (ms === 0) return '0';
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** An exact nginx spelling of a duration in whole seconds: `0`, `30s`. */
export function formatSeconds(seconds: number): string {
  return seconds === 0 ? '0' : `${seconds}s`;
}

/** The shortest exact nginx spelling of a size in bytes (`1m`, `8k`, `1000`). */
export function formatSize(bytes: number): string {
  for (const [unit, factor] of [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const) {
    if (bytes !== 0 && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}
