import { Int32Histogram } from 'hdr-histogram-js';
import type { HistogramBucket, LatencyPercentiles, LatencyStats } from './types';

/**
 * Latencies in microseconds, 1 µs to 1 h, 3 significant digits. The pure-JS Int32 histogram: the
 * WASM one needs an async init and an explicit destroy() per histogram, and at ~60 ns a record the
 * JS one is far from being our bottleneck.
 */
export type LatencyHistogram = Int32Histogram;

const HIGHEST_US = 3_600_000_000;

export function createLatencyHistogram(): LatencyHistogram {
  const histogram = new Int32Histogram(1, HIGHEST_US, 3);
  histogram.autoResize = false;
  return histogram;
}

export function recordMs(histogram: LatencyHistogram, ms: number): void {
  histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

const toMs = (us: number): number => Math.round(us) / 1000;

export function percentiles(histogram: LatencyHistogram): LatencyPercentiles | null {
  if (histogram.totalCount === 0) return null;
  return {
    p50: at(histogram, 50),
    p90: at(histogram, 90),
    p95: at(histogram, 95),
    p99: at(histogram, 99),
    max: toMs(histogram.maxValue),
  };
}

/** The percentile's bucket reports its highest equivalent value, which can exceed the true max. */
function at(histogram: LatencyHistogram, percentile: number): number {
  return toMs(Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue));
}

export function latencyStats(histogram: LatencyHistogram): LatencyStats | null {
  const base = percentiles(histogram);
  if (!base) return null;
  return {
    ...base,
    min: toMs(histogram.minNonZeroValue),
    mean: toMs(histogram.mean),
    stdev: toMs(histogram.stdDeviation),
    p999: at(histogram, 99.9),
  };
}

/** Counts in `buckets` equal-width ranges from the fastest to the slowest latency (oha's histogram). */
export function linearBuckets(histogram: LatencyHistogram, buckets = 10): HistogramBucket[] {
  if (histogram.totalCount === 0) return [];
  const min = histogram.minNonZeroValue;
  const max = histogram.maxValue;
  const width = Math.max(1, (max - min) / buckets);
  const counts = new Array<number>(buckets).fill(0);
  for (let index = 0; index < histogram.countsArrayLength; index++) {
    const count = histogram.getCountAtIndex(index);
    if (count === 0) continue;
    const value = Math.min(max, Math.max(min, histogram.valueFromIndex(index)));
    const bucket = Math.min(buckets - 1, Math.floor((value - min) / width));
    counts[bucket]! += count;
  }
  return counts.map((count, i) => ({
    fromMs: toMs(min + i * width),
    toMs: toMs(i === buckets - 1 ? max : min + (i + 1) * width),
    count,
  }));
}
