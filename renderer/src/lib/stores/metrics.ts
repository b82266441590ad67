import { createStore } from 'zustand/vanilla';
import type { MetricsSample, RequestSample } from '../../../../core/api/contract';

/** One sample a second: five minutes of history. */
export const METRICS_WINDOW = 300;
/**
 * A second is drawn once it is this far in the past: request samples arrive in batches (every
 * 250 ms) and the core's `metrics` sample for a second comes a little after it ends.
 */
export const CLOSE_LAG_MS = 1500;

export interface MetricsState {
  /** Closed seconds, oldest first, one per second (empty seconds included). */
  samples: MetricsSample[];
  /** Every backend that served a request in the window, in backendN order. */
  backends: string[];
  /** The core's figures for one second: exact, they replace what the request samples added up to. */
  addMetrics(sample: MetricsSample): void;
  /** Single requests (the `requests` event), counted into their second. */
  addRequests(samples: readonly RequestSample[]): void;
  /** Closes the seconds that are far enough in the past; `now` in epoch ms. */
  tick(now?: number): void;
  /** The core's recent seconds (a page opened later): the chart starts with them. */
  backfill(history: readonly MetricsSample[]): void;
}

export function backendOrder(a: string, b: string): number {
  const na = /^backend(\d+)$/.exec(a)?.[1];
  const nb = /^backend(\d+)$/.exec(b)?.[1];
  return na && nb ? Number(na) - Number(nb) : a.localeCompare(b);
}

const empty = (t: number): MetricsSample => ({ t, perBackend: {}, statuses: {}, failed: 0 });

function count(sample: MetricsSample, request: RequestSample): void {
  if (request.backend) sample.perBackend[request.backend] = (sample.perBackend[request.backend] ?? 0) + 1;
  else sample.failed++;
  const status = String(request.status);
  sample.statuses[status] = (sample.statuses[status] ?? 0) + 1;
}

/**
 * Requests per second per backend, for the distribution chart. Built from the `requests` event
 * (every proxied request, in batches) and corrected by the once-a-second `metrics` event when it
 * arrives, so the chart keeps moving even if one of the two is thin.
 */
export function createMetricsStore(windowSec = METRICS_WINDOW) {
  /** Seconds still open, by start time (ms); `exact` once the core's own sample replaced it. */
  const open = new Map<number, { sample: MetricsSample; exact: boolean }>();

  return createStore<MetricsState>()((set, get) => {
    const closedUntil = (): number => get().samples.at(-1)?.t ?? -Infinity;

    const withBackends = (sample: MetricsSample): Partial<MetricsState> => {
      const known = get().backends;
      const fresh = Object.keys(sample.perBackend).filter((b) => !known.includes(b));
      return fresh.length ? { backends: [...known, ...fresh].sort(backendOrder) } : {};
    };

    /** Replaces a closed second (a late `metrics` sample or late requests). */
    const replaceClosed = (sample: MetricsSample): void => {
      const samples = get().samples;
      const at = samples.findLastIndex((s) => s.t === sample.t);
      if (at === -1) return;
      const next = samples.slice();
      next[at] = sample;
      set({ samples: next, ...withBackends(sample) });
    };

    return {
      samples: [],
      backends: [],

      backfill(history) {
        const horizon = closedUntil();
        const empty = horizon === -Infinity;
        // The core's own seconds win over the page's estimates of the same second.
        const closed = new Map(get().samples.map((s) => [s.t, s]));
        for (const sample of history) {
          if (empty || sample.t <= horizon) closed.set(sample.t, sample);
          else open.set(sample.t, { sample, exact: true });
        }
        const newest = Math.max(...closed.keys());
        const samples = [...closed.values()]
          .filter((s) => s.t > newest - windowSec * 1000)
          .sort((a, b) => a.t - b.t);
        const names = new Set(get().backends);
        for (const sample of samples) for (const name of Object.keys(sample.perBackend)) names.add(name);
        set({ samples, backends: [...names].sort(backendOrder) });
      },

      addMetrics(sample) {
        if (sample.t <= closedUntil()) replaceClosed(sample);
        else open.set(sample.t, { sample, exact: true });
      },

      addRequests(requests) {
        const late = new Map<number, MetricsSample>();
        const last = closedUntil();
        for (const request of requests) {
          const t = Math.floor(request.t / 1000) * 1000;
          if (t <= last) {
            let sample = late.get(t);
            if (!sample) {
              const closed = get().samples.findLast((s) => s.t === t);
              if (!closed) continue;
              sample = structuredClone(closed);
              late.set(t, sample);
            }
            count(sample, request);
            continue;
          }
          let bucket = open.get(t);
          if (!bucket) open.set(t, (bucket = { sample: empty(t), exact: false }));
          if (!bucket.exact) count(bucket.sample, request);
        }
        for (const sample of late.values()) replaceClosed(sample);
      },

      tick(now = Date.now()) {
        const horizon = Math.floor((now - CLOSE_LAG_MS) / 1000) * 1000;
        let t = closedUntil();
        if (t === -Infinity) {
          // Start at the oldest open second, or just now when nothing arrived yet.
          const oldest = Math.min(...open.keys());
          t = (Number.isFinite(oldest) ? oldest : horizon) - 1000;
        }
        // After a long gap (sleep, disconnect), do not fill more than the window with zeros.
        t = Math.max(t, horizon - windowSec * 1000);
        if (t >= horizon) return;
        const added: MetricsSample[] = [];
        for (let s = t + 1000; s <= horizon; s += 1000) {
          added.push(open.get(s)?.sample ?? empty(s));
          open.delete(s);
        }
        for (const key of open.keys()) if (key <= horizon) open.delete(key);
        const samples = [...get().samples, ...added].filter((s) => s.t > horizon - windowSec * 1000);
        const names = new Set(get().backends);
        for (const sample of added) for (const name of Object.keys(sample.perBackend)) names.add(name);
        set({
          samples,
          ...(names.size !== get().backends.length ? { backends: [...names].sort(backendOrder) } : {}),
        });
      },
    };
  });
}

export type MetricsStore = ReturnType<typeof createMetricsStore>;
