import type { MetricsSample, TimelineEvent } from '../api/contract';
import type { BackendTotals, RunRecord } from '../state/lab-record';

/** Keeps an hour of per-second samples: enough for any class, bounded for a forgotten lab. */
const MAX_SAMPLES = 3600;
const MAX_EVENTS = 2000;

/** Collects what a run's report needs while the lab runs. */
export class RunRecorder {
  readonly run: RunRecord;

  constructor(url: string | null, image: string | null) {
    this.run = {
      startedAt: Date.now(),
      endedAt: null,
      url,
      image,
      metrics: [],
      timeline: [],
      backends: [],
      traffic: null,
    };
  }

  metrics(sample: MetricsSample): void {
    const { metrics } = this.run;
    metrics.push(sample);
    if (metrics.length > MAX_SAMPLES) metrics.splice(0, metrics.length - MAX_SAMPLES);
  }

  timeline(event: TimelineEvent): void {
    const { timeline } = this.run;
    timeline.push(event);
    if (timeline.length > MAX_EVENTS) timeline.splice(0, timeline.length - MAX_EVENTS);
  }

  /** The run as of now, with totals and the traffic summary; `ended` closes the run for good. */
  snapshot(backends: BackendTotals[], traffic: unknown, ended: boolean): RunRecord {
    if (this.run.endedAt !== null) return this.run;
    const run = { ...this.run, endedAt: ended ? Date.now() : null, backends, traffic };
    if (ended) Object.assign(this.run, run);
    return run;
  }
}
