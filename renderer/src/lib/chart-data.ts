import type { MetricsSample } from '../../../core/api/contract';

/** Stacked series for uPlot: x in seconds, then backend 1 at the bottom, each on top of the last. */
export function stackedSeries(
  samples: readonly MetricsSample[],
  names: readonly string[],
  by: 'backend' | 'version' = 'backend',
): number[][] {
  const xs = samples.map((s) => s.t / 1000);
  const out: number[][] = [xs];
  const running = new Array<number>(samples.length).fill(0);
  for (const name of names) {
    out.push(
      samples.map((s, i) => (running[i]! += (by === 'backend' ? s.perBackend : s.perVersion)?.[name] ?? 0)),
    );
  }
  return out;
}

/** Seconds the core has counted by version (the page's own estimates of open seconds are by backend only). */
export function versionSamples(samples: readonly MetricsSample[]): {
  samples: MetricsSample[];
  versions: string[];
} {
  const counted = samples.filter((s) => s.perVersion !== undefined);
  const versions = new Set<string>();
  for (const s of counted) for (const v of Object.keys(s.perVersion!)) versions.add(v);
  return {
    samples: counted,
    versions: [...versions].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
  };
}

export interface BackendShare {
  name: string;
  requests: number;
  /** Requests per second over the window. */
  rate: number;
  share: number;
}

/** Each backend's share of the requests served in the last `seconds` samples. */
export function recentShares(
  samples: readonly MetricsSample[],
  backends: readonly string[],
  seconds: number,
): { shares: BackendShare[]; total: number; failed: number } {
  const recent = samples.slice(-seconds);
  const span = Math.max(1, recent.length);
  let total = 0;
  let failed = 0;
  const counts = new Map<string, number>(backends.map((b) => [b, 0]));
  for (const sample of recent) {
    failed += sample.failed;
    for (const [name, n] of Object.entries(sample.perBackend)) {
      counts.set(name, (counts.get(name) ?? 0) + n);
      total += n;
    }
  }
  return {
    total,
    failed,
    shares: [...counts].map(([name, requests]) => ({
      name,
      requests,
      rate: requests / span,
      share: total ? requests / total : 0,
    })),
  };
}

/** Status codes over the last `seconds` samples, most frequent first. */
export function statusSummary(samples: readonly MetricsSample[], seconds: number): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const sample of samples.slice(-seconds)) {
    for (const [status, n] of Object.entries(sample.statuses))
      counts.set(status, (counts.get(status) ?? 0) + n);
  }
  return [...counts].sort((a, b) => a[0].localeCompare(b[0]));
}

/** Tick steps of a clock axis, in seconds. */
const CLOCK_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600];

/**
 * The clock axis' ticks (epoch seconds) from min to max, on whole steps, at most `most` of them.
 * Ours rather than uPlot's: with a single sample its time splits all read 00:00:00.
 */
export function clockSplits(min: number, max: number, most: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min || most < 1) return [];
  const span = max - min;
  const step = CLOCK_STEPS.find((s) => span / s <= most) ?? Math.ceil(span / most / 3600) * 3600;
  const splits: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) splits.push(t);
  return splits;
}
