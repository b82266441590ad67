import type { MetricsSample, TimelineEvent } from '../api/contract';
import type { BackendTotals, RunRecord } from '../state/lab-record';

/** Keeps an hour of per-second samples: enough for any class, bounded for a forgotten lab. */
const MAX_SAMPLES = 3600;
const MAX_EVENTS = 2000;

/** What the lab knows at the moment a report is taken. */
export interface RunFacts {
  backends: BackendTotals[];
  /** The traffic generator's runs since the lab run started (core/traffic TrafficSummary). */
  trafficRuns: readonly unknown[];
  image: { name: string; baseImages: string[] } | null;
  /** Seconds not handed out yet: their requests are in the totals, so the series holds them too. */
  pending: MetricsSample[];
  counts: { statuses: Record<string, number>; failed: number } | null;
  /** Closes the run for good. */
  ended: boolean;
}

/** Collects what a run's report needs while the lab runs. */
export class RunRecorder {
  readonly run: RunRecord;

  constructor(url: string | null) {
    this.run = {
      startedAt: Date.now(),
      endedAt: null,
      url,
      image: null,
      baseImages: [],
      metrics: [],
      metricsDropped: 0,
      timeline: [],
      timelineDropped: 0,
      backends: [],
      statuses: {},
      failed: null,
      traffic: null,
      trafficRuns: [],
    };
  }

  metrics(sample: MetricsSample): void {
    const { metrics } = this.run;
    metrics.push(sample);
    if (metrics.length > MAX_SAMPLES)
      this.run.metricsDropped += metrics.splice(0, metrics.length - MAX_SAMPLES).length;
  }

  timeline(event: TimelineEvent): void {
    const { timeline } = this.run;
    timeline.push(event);
    if (timeline.length > MAX_EVENTS)
      this.run.timelineDropped += timeline.splice(0, timeline.length - MAX_EVENTS).length;
  }

  /** The run as of now, with totals and the traffic runs; once ended, the run as it ended. */
  snapshot(facts: RunFacts): RunRecord {
    if (this.run.endedAt !== null) return this.run;
    const pending = facts.pending.filter(hasRequests);
    const run: RunRecord = {
      ...this.run,
      endedAt: facts.ended ? Date.now() : null,
      image: facts.image?.name ?? this.run.image,
      baseImages: facts.image?.baseImages ?? this.run.baseImages,
      metrics: [...this.run.metrics, ...pending],
      backends: facts.backends,
      statuses: { ...(facts.counts?.statuses ?? this.run.statuses) },
      failed: facts.counts?.failed ?? this.run.failed,
      traffic: facts.trafficRuns.at(-1) ?? null,
      trafficRuns: [...facts.trafficRuns],
    };
    if (facts.ended) Object.assign(this.run, run);
    return run;
  }
}

const hasRequests = (sample: MetricsSample): boolean =>
  sample.failed > 0 || Object.keys(sample.statuses).length > 0;
