import type { BackendExtractor } from './backend-extractor';

export interface TrafficGeneratorOptions {
  /** `http://host:port/path?query`: every request goes here. */
  url: string;
  /** Open loop: requests per second, sent on schedule whatever the responses do. */
  rate?: number;
  /** Closed loop: this many requests in flight, each sent when the previous one finishes. */
  concurrency?: number;
  /** Default GET. */
  method?: string;
  headers?: Record<string, string> | readonly (readonly [string, string])[];
  body?: string | Uint8Array;
  /** 0 (default) = until stop(). */
  durationMs?: number;
  /** A request with no complete response after this long fails as `timeout`. Default 10 s. */
  timeoutMs?: number;
  /** Open loop: connections opened at most; due requests wait for a free one. Default 1000. */
  maxConnections?: number;
  /** Open loop: requests in flight or waiting for a connection at most; beyond, due ones are dropped. Default 10,000. */
  maxInFlight?: number;
  /** Which backend answered; default: JSON `backend` field, else X-Upstream-Backend / X-Up-Addr. */
  backendExtractor?: BackendExtractor;
  /** Leave non-2xx/3xx responses out of the latency figures. */
  successLatencyOnly?: boolean;
  /** Default 1000; shorter only for tests. */
  sampleIntervalMs?: number;
}

export interface LatencyPercentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyStats extends LatencyPercentiles {
  min: number;
  mean: number;
  stdev: number;
  p999: number;
}

/** One per sample interval while running. Totals are since the start; the rest covers the interval. */
export interface TrafficSample {
  /** Epoch milliseconds when taken. */
  t: number;
  /** Seconds since the start. */
  elapsedSec: number;
  sent: number;
  completed: number;
  ok: number;
  failed: number;
  dropped: number;
  inFlight: number;
  /** Requests completed per second in this interval. */
  rps: number;
  /** Milliseconds, this interval; null when nothing completed in it. */
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** Counts in this interval. */
  statuses: Record<string, number>;
  errors: Record<string, number>;
  perBackend: Record<string, number>;
  /** The run's latencies so far, in equal-width ranges. */
  histogram: HistogramBucket[];
}

export interface HistogramBucket {
  fromMs: number;
  toMs: number;
  count: number;
}

export interface TrafficSummary {
  url: string;
  method: string;
  mode: 'open' | 'closed';
  rate: number | null;
  concurrency: number | null;
  /** Epoch milliseconds. */
  startedAt: number;
  elapsedSec: number;
  /** Requests written to a connection. */
  sent: number;
  /** Requests that got a response (any status) or an error. */
  completed: number;
  /** 2xx and 3xx responses. */
  ok: number;
  /** Other responses, and errors. */
  failed: number;
  /** Open loop: due requests never sent because `maxInFlight` were already in flight or waiting. */
  dropped: number;
  /** Open loop: requests sent more than 10 ms after their intended time (no free connection, or a busy event loop). */
  late: number;
  /** In flight when the run ended; not counted as completed. */
  aborted: number;
  /** completed / elapsed. */
  rps: number;
  /** ok / completed; null when nothing completed. */
  successRate: number | null;
  /** Milliseconds. Open loop: from each request's intended send time (coordinated-omission corrected). */
  latencyMs: LatencyStats | null;
  /** Open loop only: from the actual send time, i.e. uncorrected, for comparison. */
  uncorrectedLatencyMs: LatencyStats | null;
  histogram: HistogramBucket[];
  statuses: Record<string, number>;
  errors: Record<string, number>;
  perBackend: Record<string, number>;
}
