import type { BroadcastEvents, LabView, LogLine, RequestSample } from '../api/contract';
import type { Emitter } from '../events/emitter';

const VIEW_MS = 100;
const LOGS_MS = 200;
const REQUESTS_MS = 250;
/** Per flush; beyond this the chart reads the per-second metrics, not single requests. */
const MAX_REQUEST_SAMPLES = 500;
const MAX_LOG_LINES = 5000;

/**
 * Turns the core's many small changes into few events: the lab view at most every 100 ms, logs
 * and request samples in batches. A renderer at 2,000 req/s gets a handful of messages a second.
 */
export class EventBatcher {
  private viewTimer: NodeJS.Timeout | null = null;
  private logTimer: NodeJS.Timeout | null = null;
  private requestTimer: NodeJS.Timeout | null = null;
  private logs: LogLine[] = [];
  private samples: RequestSample[] = [];

  constructor(
    private readonly events: Emitter<BroadcastEvents>,
    private readonly view: () => LabView,
  ) {}

  changed(): void {
    this.viewTimer ??= setTimeout(() => {
      this.viewTimer = null;
      this.events.emit('lab', this.view());
    }, VIEW_MS);
  }

  log(line: LogLine): void {
    if (this.logs.length >= MAX_LOG_LINES) this.logs.shift();
    this.logs.push(line);
    // The lab's own lines (ready, down, build steps) are few and people wait for them: send now.
    if (line.source === 'lab') this.flushLogs();
    else this.logTimer ??= setTimeout(this.flushLogs, LOGS_MS);
  }

  private readonly flushLogs = (): void => {
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = null;
    const batch = this.logs;
    this.logs = [];
    if (batch.length > 0) this.events.emit('logs', batch);
  };

  requests(samples: RequestSample[]): void {
    for (const sample of samples) if (this.samples.length < MAX_REQUEST_SAMPLES) this.samples.push(sample);
    this.requestTimer ??= setTimeout(() => {
      this.requestTimer = null;
      const batch = this.samples;
      this.samples = [];
      this.events.emit('requests', batch);
      // Request counts also move the backend table.
      this.changed();
    }, REQUESTS_MS);
  }

  close(): void {
    for (const timer of [this.viewTimer, this.logTimer, this.requestTimer]) if (timer) clearTimeout(timer);
  }
}
