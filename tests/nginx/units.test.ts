import { describe, expect, test } from 'vitest';
import { formatMs, formatSize, parseSize, parseTime } from '../../core/nginx/units';

describe('times, as ngx_parse_time reads them', () => {
  test.each([
    ['30s', 30, 30_000],
    ['1m', 60, 60_000],
    ['1h', 3600, 3_600_000],
    ['1h 30m', 5400, 5_400_000],
    ['1h30m', 5400, 5_400_000],
    ['10', 10, 10_000],
    ['0', 0, 0],
    ['1d', 86_400, 86_400_000],
    ['500ms', undefined, 500],
    ['1s500ms', undefined, 1500],
    ['1y', 31_536_000, undefined],
    ['1M', 2_592_000, undefined],
    ['1m 1h', undefined, undefined],
    ['s', undefined, undefined],
    ['', undefined, undefined],
    ['5x', undefined, undefined],
    ['-1s', undefined, undefined],
    ['3000000000', undefined, undefined],
  ])('%j → %s s / %s ms', (text, seconds, ms) => {
    expect(parseTime(text, true)).toBe(seconds);
    expect(parseTime(text, false)).toBe(ms);
  });
});

describe('sizes', () => {
  test.each([
    ['1024', 1024],
    ['1k', 1024],
    ['8K', 8192],
    ['1m', 1_048_576],
    ['2g', 2 * 1024 ** 3],
    ['0', 0],
    ['1.5m', undefined],
    ['m', undefined],
  ])('%j → %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });
});

describe('formatting is exact and reads back', () => {
  test.each([0, 1, 999, 1000, 1500, 60_000, 75_000])('%i ms', (ms) => {
    expect(parseTime(formatMs(ms), false)).toBe(ms);
  });
  test.each([0, 1000, 1024, 1_048_576, 3 * 1024 ** 3])('%i bytes', (bytes) => {
    expect(parseSize(formatSize(bytes))).toBe(bytes);
  });
});
