import { Emitter } from '../events/emitter';
import { ClosedLoop } from './closed-loop';
import { TIMEOUT } from './error-key';
import { OpenLoop } from './open-loop';
import { resolveOptions, type ResolvedOptions } from './options';
import { TrafficStats } from './stats';
import type { TrafficGeneratorOptions, TrafficSample, TrafficSummary } from './types';

export interface TrafficEvents {
  /** Every sample interval (1 s) while running. */
  sample: TrafficSample;
  /** Once, when the run ends (duration over, or stop()). */
  done: TrafficSummary;
}

/**
 * An HTTP load generator: open loop (a target rate, latency corrected for coordinated omission)
 * or closed loop (N in flight). Throws TrafficOptionsError from the constructor for bad options.
 *
 *   const generator = new TrafficGenerator({ url, rate: 500, durationMs: 10_000 });
 *   generator.on('sample', (s) => ...);
 *   const summary = await generator.start();
 */
export class TrafficGenerator extends Emitter<TrafficEvents> {
  readonly options: ResolvedOptions;
  readonly #stats: TrafficStats;
  readonly #loop: OpenLoop | ClosedLoop;
  #state: 'idle' | 'running' | 'done' = 'idle';
  #startedAt = 0;
  #startedAtEpoch = 0;
  #samples = 0;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #done: Promise<TrafficSummary>;
  #resolveDone: (summary: TrafficSummary) => void = () => {};

  constructor(options: TrafficGeneratorOptions) {
    super();
    this.options = resolveOptions(options);
    const o = this.options;
    this.#stats = new TrafficStats({ openLoop: o.rate !== null, successLatencyOnly: o.successLatencyOnly });
    const target = {
      host: o.host,
      port: o.port,
      request: o.request,
      noBody: o.method === 'HEAD',
      extractor: o.backendExtractor,
    };
    this.#loop =
      o.rate !== null
        ? new OpenLoop(target, o.rate, this.#stats, o)
        : new ClosedLoop(target, o.concurrency ?? 1, this.#stats);
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  get running(): boolean {
    return this.#state === 'running';
  }

  /** Starts the run; resolves with the summary when it ends. */
  start(): Promise<TrafficSummary> {
    if (this.#state !== 'idle') throw new Error('a TrafficGenerator runs once');
    this.#state = 'running';
    this.#startedAt = performance.now();
    this.#startedAtEpoch = Date.now();
    this.#stats.start(this.#startedAt);
    this.#scheduleSample();
    const { durationMs, timeoutMs } = this.options;
    // One sweep for all request timeouts rather than a timer per request.
    this.#timers.add(setInterval(() => this.#failTimedOut(), Math.max(10, Math.min(100, timeoutMs / 4))));
    if (durationMs > 0) this.#timers.add(setTimeout(() => this.#finish(), durationMs));
    this.#loop.start(this.#startedAt, durationMs > 0 ? this.#startedAt + durationMs : Infinity);
    return this.#done;
  }

  /** Ends the run: requests in flight are abandoned and every socket closed. */
  stop(): Promise<TrafficSummary> {
    if (this.#state === 'idle') {
      this.#startedAt = performance.now();
      this.#startedAtEpoch = Date.now();
    }
    this.#finish();
    return this.#done;
  }

  #scheduleSample(): void {
    const next = this.#startedAt + (this.#samples + 1) * this.options.sampleIntervalMs;
    // The last sample comes from #finish, so that samples add up to the summary.
    if (this.options.durationMs > 0 && next >= this.#startedAt + this.options.durationMs) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        this.#emitSample();
        this.#scheduleSample();
      },
      Math.max(0, next - performance.now()),
    );
    this.#timers.add(timer);
  }

  #emitSample(): void {
    const now = performance.now();
    this.#samples++;
    const inFlight = this.#loop.inFlight;
    this.emit('sample', this.#stats.sample(now, (now - this.#startedAt) / 1000, inFlight));
  }

  #failTimedOut(): void {
    const deadline = performance.now() - this.options.timeoutMs;
    for (const connection of this.#loop.connections)
      if (connection.busy && connection.sentAt < deadline) connection.fail(TIMEOUT);
  }

  #finish(): void {
    if (this.#state === 'done') return;
    const wasRunning = this.#state === 'running';
    this.#state = 'done';
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const now = performance.now();
    this.#stats.aborted = this.#loop.stop();
    if (wasRunning) this.#emitSample();
    const o = this.options;
    const summary = this.#stats.summary({
      url: o.url.href,
      method: o.method,
      mode: o.rate !== null ? 'open' : 'closed',
      rate: o.rate,
      concurrency: o.concurrency,
      startedAt: this.#startedAtEpoch,
      elapsedSec: (now - this.#startedAt) / 1000,
    });
    this.emit('done', summary);
    this.#resolveDone(summary);
  }
}
