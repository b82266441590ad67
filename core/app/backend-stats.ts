import type { MetricsSample, RequestSample } from '../api/contract';
import type { RequestRecord } from '../balancer/record';

/** The window of a backend's share (the dashboard's "Share" column says it). */
export const SHARE_WINDOW_SEC = 10;
const LATENCY_WINDOW = 2000;
/** nginx's status for a request whose client closed the connection first. */
const CLIENT_CLOSED = 499;
/**
 * Backends tracked one by one at most: a proxy_pass with variables can reach any address
 * (`http://127.0.0.1:$arg_port`), and each entry holds its latency ring.
 */
export const MAX_BACKENDS = 256;
/** Where the requests of backends past MAX_BACKENDS are counted. */
export const OTHER_BACKENDS = '(other backends)';

interface PerBackend {
  requests: number;
  /** Requests served in each of the last SHARE_WINDOW_SEC seconds (ring by second). */
  perSecond: Int32Array;
  /** Upstream times of the last LATENCY_WINDOW requests served (ring). */
  latencies: Float64Array;
  latencyCount: number;
  /** The last failed attempt on it, until it serves a request again or is restored. */
  lastError: string | null;
  failedAttempts: number;
}

/**
 * Turns request records into what the dashboard shows per backend (requests, share of the last
 * 10 s, average and p95 upstream time, last error) and into one metrics sample per second.
 */
export class BackendStats {
  private readonly backends = new Map<string, PerBackend>();
  private second = Math.floor(Date.now() / 1000);
  private current: MetricsSample = this.emptySample(this.second);
  /**
   * Since the lab started (a re-created replica's fresh figures do not reset them): client
   * statuses, requests no backend served, the requests each backend served and its failed attempts.
   */
  readonly totals = {
    statuses: {} as Record<string, number>,
    failed: 0,
    perBackend: {} as Record<string, { requests: number; failedAttempts: number }>,
  };

  private entry(wanted: string): PerBackend {
    const name = this.backends.has(wanted) || this.backends.size < MAX_BACKENDS ? wanted : OTHER_BACKENDS;
    let entry = this.backends.get(name);
    if (!entry) {
      entry = {
        requests: 0,
        perSecond: new Int32Array(SHARE_WINDOW_SEC),
        latencies: new Float64Array(LATENCY_WINDOW),
        latencyCount: 0,
        lastError: null,
        failedAttempts: 0,
      };
      this.backends.set(name, entry);
    }
    return entry;
  }

  /** Adds a batch of records; returns the compact samples for the `requests` event. */
  add(
    records: readonly RequestRecord[],
    versionOf: (record: RequestRecord) => string | undefined = () => undefined,
  ): RequestSample[] {
    const samples: RequestSample[] = [];
    for (const record of records) {
      this.roll(Math.floor(record.time / 1000));
      const served = record.servedBy;
      for (const attempt of record.attempts) {
        if (attempt.peer === served || attempt.addr === record.upstream) continue;
        // The client went away while it waited: not the backend's failure.
        if (attempt.status === CLIENT_CLOSED) continue;
        const failed = this.entry(attempt.peer);
        failed.failedAttempts++;
        this.runTotal(attempt.peer).failedAttempts++;
        failed.lastError = `${attempt.status} at ${new Date(record.time).toISOString().slice(11, 19)}`;
      }
      if (served) {
        const entry = this.entry(served);
        // Answered below 500: it has recovered, its last error is history.
        if (record.status < 500) entry.lastError = null;
        entry.requests++;
        this.runTotal(served).requests++;
        entry.perSecond[this.second % SHARE_WINDOW_SEC]!++;
        entry.latencies[entry.latencyCount % LATENCY_WINDOW] = record.upstreamMs;
        entry.latencyCount++;
        this.current.perBackend[served] = (this.current.perBackend[served] ?? 0) + 1;
        const version = versionOf(record);
        if (version) {
          const perVersion = this.current.perVersion!;
          perVersion[version] = (perVersion[version] ?? 0) + 1;
        }
      } else if (record.status !== CLIENT_CLOSED) {
        this.current.failed++;
        this.totals.failed++;
      }
      const status = String(record.status);
      this.current.statuses[status] = (this.current.statuses[status] ?? 0) + 1;
      this.totals.statuses[status] = (this.totals.statuses[status] ?? 0) + 1;
      samples.push({
        t: record.time,
        backend: served,
        status: record.status,
        ms: record.requestMs,
        tried: record.attempts.map((a) => a.peer),
      });
    }
    return samples;
  }

  private runTotal(name: string): { requests: number; failedAttempts: number } {
    const key = name in this.totals.perBackend || this.backends.has(name) ? name : OTHER_BACKENDS;
    return (this.totals.perBackend[key] ??= { requests: 0, failedAttempts: 0 });
  }

  /**
   * The seconds not handed out yet — closed ones the next tick sends, and the one still open — as
   * copies: a report taken now counts what they hold too.
   */
  pending(): MetricsSample[] {
    return [...this.closed, this.current].map((c) => ({
      t: c.t,
      perBackend: { ...c.perBackend },
      statuses: { ...c.statuses },
      failed: c.failed,
      perVersion: { ...c.perVersion },
    }));
  }

  /** Closes the seconds that have passed; returns their samples (oldest first) for the `metrics` event. */
  tick(now = Date.now()): MetricsSample[] {
    this.roll(Math.floor(now / 1000));
    return this.closed.splice(0);
  }

  /** Seconds closed (by records of a later second, or by the clock) and not yet handed out. */
  private readonly closed: MetricsSample[] = [];

  private roll(second: number): void {
    while (this.second < second) {
      this.closed.push(this.current);
      this.second++;
      for (const entry of this.backends.values()) entry.perSecond[this.second % SHARE_WINDOW_SEC] = 0;
      this.current = this.emptySample(this.second);
    }
  }

  private emptySample(second: number): MetricsSample {
    return { t: second * 1000, perBackend: {}, statuses: {}, failed: 0, perVersion: {} };
  }

  view(
    name: string,
    totalRecent: number,
  ): {
    requests: number;
    share: number;
    avgMs: number | null;
    p95Ms: number | null;
    lastError: string | null;
  } {
    const entry = this.backends.get(name);
    if (!entry) return { requests: 0, share: 0, avgMs: null, p95Ms: null, lastError: null };
    const n = Math.min(entry.latencyCount, LATENCY_WINDOW);
    const times = Array.from(entry.latencies.subarray(0, n)).sort((a, b) => a - b);
    const recent = entry.perSecond.reduce((sum, c) => sum + c, 0);
    return {
      requests: entry.requests,
      share: totalRecent > 0 ? recent / totalRecent : 0,
      avgMs: n ? times.reduce((s, t) => s + t, 0) / n : null,
      p95Ms: n ? times[Math.min(n - 1, Math.floor(n * 0.95))]! : null,
      lastError: entry.lastError,
    };
  }

  /** A backend restored: its last error no longer describes it. */
  clearError(name: string): void {
    const entry = this.backends.get(name);
    if (entry) entry.lastError = null;
  }

  failedAttempts(name: string): number {
    return this.backends.get(name)?.failedAttempts ?? 0;
  }

  /** Requests served by all backends in the share window. */
  recentTotal(): number {
    let total = 0;
    for (const entry of this.backends.values()) total += entry.perSecond.reduce((sum, c) => sum + c, 0);
    return total;
  }

  reset(): void {
    this.backends.clear();
  }

  /** A replica created anew starts with fresh figures: its entry goes (the lab's totals stay). */
  forget(name: string): void {
    this.backends.delete(name);
  }
}
