import { callListener, printListenerErrorOnce, type ListenerErrorHandler } from '../events/listener-error';
import type { RequestRecord } from './record';

export type RecordListener = (batch: readonly RequestRecord[]) => void;

/**
 * Collects request records and hands them to subscribers in batches on a timer, so the request
 * path only appends to an array. Without subscribers nothing is kept; with a stalled consumer the
 * oldest records are dropped (and counted) rather than growing without bound.
 */
export class RecordBatcher {
  private batch: RequestRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<RecordListener>();
  dropped = 0;

  constructor(
    private readonly intervalMs = 100,
    private readonly maxBuffered = 50_000,
    /** A subscriber's error is reported here, never thrown out of the timer. */
    private readonly onListenerError: ListenerErrorHandler = printListenerErrorOnce,
  ) {}

  get wanted(): boolean {
    return this.listeners.size > 0;
  }

  push(record: RequestRecord): void {
    if (this.listeners.size === 0) return;
    if (this.batch.length >= this.maxBuffered) {
      this.batch.shift();
      this.dropped++;
    }
    this.batch.push(record);
    if (this.timer === null) {
      this.timer = setTimeout(this.flush, this.intervalMs);
      this.timer.unref();
    }
  }

  subscribe(listener: RecordListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly flush = (): void => {
    this.timer = null;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    for (const listener of [...this.listeners])
      callListener(listener, batch, 'records', this.onListenerError);
  };

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.flush();
  }
}
