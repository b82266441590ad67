import type { ExchangeResult } from './connection';
import { Counter } from './counter';
import {
  createLatencyHistogram,
  latencyStats,
  linearBuckets,
  percentiles,
  recordMs,
  type LatencyHistogram,
} from './latency-histogram';
import type { TrafficSample, TrafficSummary } from './types';

/** Interval and whole-run figures of a run; the generator feeds it and asks for samples. */
export class TrafficStats {
  sent = 0;
  completed = 0;
  ok = 0;
  dropped = 0;
  late = 0;
  aborted = 0;
  readonly #latency = createLatencyHistogram();
  readonly #uncorrected: LatencyHistogram | null;
  readonly #statuses = new Counter<number>();
  readonly #errors = new Counter();
  readonly #perBackend = new Counter();
  readonly #interval = {
    completed: 0,
    latency: createLatencyHistogram(),
    statuses: new Counter<number>(),
    errors: new Counter(),
    perBackend: new Counter(),
    startedAt: 0,
  };

  constructor(private readonly options: { openLoop: boolean; successLatencyOnly: boolean }) {
    this.#uncorrected = options.openLoop ? createLatencyHistogram() : null;
  }

  start(now: number): void {
    this.#interval.startedAt = now;
  }

  /** @param latencyMs from the intended send time; @param serviceMs from the actual one. */
  exchange(result: ExchangeResult, latencyMs: number, serviceMs: number): void {
    if (result.error !== undefined) this.error(result.error);
    else this.response(result.status, latencyMs, serviceMs, result.backend);
  }

  response(status: number, latencyMs: number, serviceMs: number, backend: string | null): void {
    const success = status >= 200 && status < 400;
    const interval = this.#interval;
    this.completed++;
    interval.completed++;
    if (success) this.ok++;
    this.#statuses.add(status);
    interval.statuses.add(status);
    if (backend !== null) {
      this.#perBackend.add(backend);
      interval.perBackend.add(backend);
    }
    if (success || !this.options.successLatencyOnly) {
      recordMs(this.#latency, latencyMs);
      recordMs(interval.latency, latencyMs);
      if (this.#uncorrected) recordMs(this.#uncorrected, serviceMs);
    }
  }

  error(key: string): void {
    this.completed++;
    this.#interval.completed++;
    this.#errors.add(key);
    this.#interval.errors.add(key);
  }

  /** The figures since the previous sample, then a new interval. */
  sample(now: number, elapsedSec: number, inFlight: number): TrafficSample {
    const interval = this.#interval;
    const seconds = (now - interval.startedAt) / 1000;
    const latency = percentiles(interval.latency);
    const sample: TrafficSample = {
      t: Date.now(),
      elapsedSec,
      sent: this.sent,
      completed: this.completed,
      ok: this.ok,
      failed: this.completed - this.ok,
      dropped: this.dropped,
      inFlight,
      rps: seconds > 0 ? interval.completed / seconds : 0,
      p50: latency?.p50 ?? null,
      p90: latency?.p90 ?? null,
      p95: latency?.p95 ?? null,
      p99: latency?.p99 ?? null,
      max: latency?.max ?? null,
      statuses: interval.statuses.toRecord(),
      errors: interval.errors.toRecord(),
      perBackend: interval.perBackend.toRecord(),
      histogram: linearBuckets(this.#latency),
    };
    interval.completed = 0;
    interval.latency.reset();
    interval.statuses.clear();
    interval.errors.clear();
    interval.perBackend.clear();
    interval.startedAt = now;
    return sample;
  }

  summary(
    run: Pick<
      TrafficSummary,
      'url' | 'method' | 'mode' | 'rate' | 'concurrency' | 'startedAt' | 'elapsedSec'
    >,
  ): TrafficSummary {
    return {
      ...run,
      sent: this.sent,
      completed: this.completed,
      ok: this.ok,
      failed: this.completed - this.ok,
      dropped: this.dropped,
      late: this.late,
      aborted: this.aborted,
      rps: run.elapsedSec > 0 ? this.completed / run.elapsedSec : 0,
      successRate: this.completed > 0 ? this.ok / this.completed : null,
      latencyMs: latencyStats(this.#latency),
      uncorrectedLatencyMs: this.#uncorrected ? latencyStats(this.#uncorrected) : null,
      histogram: linearBuckets(this.#latency),
      statuses: this.#statuses.toRecord(),
      errors: this.#errors.toRecord(),
      perBackend: this.#perBackend.toRecord(),
    };
  }
}
