import type { TrafficOptions, TrafficView } from '../api/contract';
import type { TrafficGenerator, TrafficSummary } from '../traffic';

const IDLE: TrafficView = {
  running: false,
  options: null,
  sent: 0,
  ok: 0,
  failed: 0,
  rps: 0,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
};

/** The dashboard's traffic generator: one run at a time, aimed at the lab's balancer. */
export class TrafficControl {
  private generator: TrafficGenerator | null = null;
  view: TrafficView = IDLE;
  last: TrafficSummary | null = null;

  constructor(private readonly changed: () => void) {}

  async start(baseUrl: string, options: TrafficOptions): Promise<void> {
    await this.stop();
    const { generatorOptionsFor, TrafficGenerator } = await import('../traffic');
    const generator = new TrafficGenerator(generatorOptionsFor(baseUrl, options));
    this.generator = generator;
    this.view = { ...IDLE, running: true, options };
    generator.on('sample', (s) => {
      if (this.generator !== generator) return;
      this.view = {
        running: true,
        options,
        sent: s.sent,
        ok: s.ok,
        failed: s.failed,
        rps: s.rps,
        p50Ms: s.p50,
        p95Ms: s.p95,
        p99Ms: s.p99,
      };
      this.changed();
    });
    void generator.start().then((summary) => {
      this.last = summary;
      if (this.generator !== generator) return;
      this.generator = null;
      this.view = {
        ...this.view,
        running: false,
        sent: summary.sent,
        ok: summary.ok,
        failed: summary.failed,
      };
      this.changed();
    });
    this.changed();
  }

  async stop(): Promise<void> {
    const generator = this.generator;
    if (!generator) return;
    this.generator = null;
    this.last = await generator.stop();
    this.view = { ...this.view, running: false };
    this.changed();
  }
}
