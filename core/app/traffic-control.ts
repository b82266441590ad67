import type { TrafficOptions, TrafficView } from '../api/contract';
import type { TrafficGenerator, TrafficSummary } from '../traffic';

const HISTORY = 60;
/** Runs kept for the report: a class's worth, bounded for a forgotten lab. */
const MAX_RUNS = 500;

const IDLE: TrafficView = {
  running: false,
  options: null,
  sent: 0,
  ok: 0,
  failed: 0,
  inFlight: 0,
  cutOff: 0,
  dropped: 0,
  rps: 0,
  history: [],
  histogram: [],
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
};

/** The dashboard's traffic generator: one run at a time, aimed at the lab's balancer. */
export class TrafficControl {
  private generator: TrafficGenerator | null = null;
  view: TrafficView = IDLE;
  /** Every finished run, oldest first (at most MAX_RUNS). */
  readonly runs: TrafficSummary[] = [];

  get last(): TrafficSummary | null {
    return this.runs.at(-1) ?? null;
  }

  constructor(
    private readonly changed: () => void,
    /** Every start and end is a line in the lab log. */
    private readonly log: (text: string) => void = () => undefined,
  ) {}

  async start(baseUrl: string, options: TrafficOptions): Promise<void> {
    await this.stop();
    const { generatorOptionsFor, TrafficGenerator } = await import('../traffic');
    const generator = new TrafficGenerator(generatorOptionsFor(baseUrl, options));
    this.generator = generator;
    this.view = { ...IDLE, running: true, options };
    const load = options.rate !== undefined ? `${options.rate} req/s` : `${options.concurrency} in flight`;
    const until = options.durationSec ? `for ${options.durationSec} s` : 'until stopped';
    this.log(`traffic: started, ${load}, ${options.method} ${options.path}, ${until}`);
    generator.on('sample', (s) => {
      if (this.generator !== generator) return;
      this.view = {
        running: true,
        options,
        sent: s.sent,
        ok: s.ok,
        failed: s.failed,
        inFlight: s.inFlight,
        cutOff: 0,
        dropped: s.dropped,
        rps: s.rps,
        history: [...this.view.history, s.rps].slice(-HISTORY),
        histogram: s.histogram,
        p50Ms: s.p50,
        p95Ms: s.p95,
        p99Ms: s.p99,
      };
      this.changed();
    });
    void generator.start().then((summary) => {
      if (this.generator !== generator) return;
      this.finished(summary);
      this.generator = null;
      this.view = ended(this.view, summary);
      this.log(`traffic: done: ${describe(this.view)}`);
      this.changed();
    });
    this.changed();
  }

  async stop(): Promise<void> {
    const generator = this.generator;
    if (!generator) return;
    this.generator = null;
    const summary = await generator.stop();
    this.finished(summary);
    this.view = ended(this.view, summary);
    this.log(`traffic: stopped: ${describe(this.view)}`);
    this.changed();
  }

  private finished(summary: TrafficSummary): void {
    this.runs.push(summary);
    if (this.runs.length > MAX_RUNS) this.runs.splice(0, this.runs.length - MAX_RUNS);
  }
}

function describe(view: TrafficView): string {
  return `${view.sent} sent, ${view.ok} ok, ${view.failed} failed, ${view.cutOff} cut off by the stop (499)`;
}

/** A run's last figures: its summary's counts, nothing in flight, no rate. */
function ended(view: TrafficView, summary: TrafficSummary): TrafficView {
  return {
    ...view,
    running: false,
    sent: summary.sent,
    ok: summary.ok,
    failed: summary.failed,
    inFlight: 0,
    cutOff: summary.aborted,
    dropped: summary.dropped,
    rps: 0,
    histogram: summary.histogram,
  };
}
