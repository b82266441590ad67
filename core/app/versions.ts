import type { VersionView } from '../api/contract';
import type { RequestRecord } from '../balancer/record';
import { byBackendOrder } from '../lab/backend-name';

const WINDOW_SEC = 10;
const LATENCY_WINDOW = 2000;
/** A session meets a version per build at most; past this, older ones' figures are dropped. */
const MAX_VERSIONS = 32;

interface VersionFigures {
  label: string;
  imageId: string;
  /** Per second of the last WINDOW_SEC (ring): attempts that reached it, and those that failed. */
  attempts: Int32Array;
  errors: Int32Array;
  requests: number;
  latencies: Float64Array;
  latencyCount: number;
}

/**
 * The versions (images) the lab's replicas run, named in the order this session met them (v1,
 * v2, ...), which address runs which, and what each version did: the figures a canary is judged
 * by, side by side. An attempt belongs to the version at the address it reached.
 */
export class Versions {
  private readonly byImage = new Map<string, VersionFigures>();
  private readonly byAddr = new Map<string, VersionFigures>();
  private readonly byBackend = new Map<string, VersionFigures>();
  private second = Math.floor(Date.now() / 1000);

  /** `name` answers at `addr` running `imageId` (a replica became ready). */
  serve(name: string, addr: string, imageId: string): void {
    const figures = this.figures(imageId);
    this.byAddr.set(addr, figures);
    this.byBackend.set(name, figures);
  }

  /** `v2`: the label of `imageId`, given when first met. */
  label(imageId: string): string {
    return this.figures(imageId).label;
  }

  /** The version a backend's current address runs, if known. */
  ofBackend(name: string): string | null {
    return this.byBackend.get(name)?.label ?? null;
  }

  /** The version that answered a request, if a replica of a known version did. */
  ofRecord(record: RequestRecord): string | undefined {
    return record.servedBy ? this.byAddr.get(record.attempts.at(-1)?.addr ?? '')?.label : undefined;
  }

  add(records: readonly RequestRecord[]): void {
    for (const record of records) {
      this.roll(Math.floor(record.time / 1000));
      const slot = this.second % WINDOW_SEC;
      const last = record.attempts.length - 1;
      record.attempts.forEach((attempt, i) => {
        const figures = this.byAddr.get(attempt.addr);
        if (!figures) return;
        figures.attempts[slot]!++;
        const served = i === last && record.servedBy !== null;
        if (!served || attempt.status >= 500) figures.errors[slot]!++;
        if (served) {
          figures.requests++;
          figures.latencies[figures.latencyCount % LATENCY_WINDOW] = attempt.ms;
          figures.latencyCount++;
        }
      });
    }
  }

  /** Every version a backend runs now, oldest first, with its figures over the last 10 s. */
  view(now = Date.now()): VersionView[] {
    this.roll(Math.floor(now / 1000));
    const running = new Set(this.byBackend.values());
    return [...this.byImage.values()]
      .filter((v) => running.has(v))
      .map((v) => {
        const attempts = v.attempts.reduce((s, c) => s + c, 0);
        const errors = v.errors.reduce((s, c) => s + c, 0);
        const n = Math.min(v.latencyCount, LATENCY_WINDOW);
        const times = Array.from(v.latencies.subarray(0, n)).sort((a, b) => a - b);
        return {
          version: v.label,
          image: v.imageId.replace(/^sha256:/, '').slice(0, 12),
          backends: [...this.byBackend]
            .filter(([, f]) => f === v)
            .map(([name]) => name)
            .sort(byBackendOrder),
          requests: v.requests,
          perSecond: attempts / WINDOW_SEC,
          errorRate: attempts ? errors / attempts : 0,
          p95Ms: n ? times[Math.min(n - 1, Math.floor(n * 0.95))]! : null,
        };
      });
  }

  /** A backend that left (scaled down, a canary removed). */
  forget(name: string): void {
    this.byBackend.delete(name);
  }

  private figures(imageId: string): VersionFigures {
    let figures = this.byImage.get(imageId);
    if (figures) return figures;
    if (this.byImage.size >= MAX_VERSIONS) this.byImage.delete(this.byImage.keys().next().value!);
    figures = {
      label: `v${this.labelCount + 1}`,
      imageId,
      attempts: new Int32Array(WINDOW_SEC),
      errors: new Int32Array(WINDOW_SEC),
      requests: 0,
      latencies: new Float64Array(LATENCY_WINDOW),
      latencyCount: 0,
    };
    this.labelCount++;
    this.byImage.set(imageId, figures);
    return figures;
  }

  private labelCount = 0;

  private roll(second: number): void {
    // A clock far ahead clears the ring once, not second by second.
    const steps = Math.min(second - this.second, WINDOW_SEC);
    for (let i = 1; i <= steps; i++) {
      const slot = (this.second + i) % WINDOW_SEC;
      for (const v of this.byImage.values()) {
        v.attempts[slot] = 0;
        v.errors[slot] = 0;
      }
    }
    if (second > this.second) this.second = second;
  }
}
