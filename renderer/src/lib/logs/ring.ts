import type { LogLine } from '../../../../core/api/contract';

/**
 * The last `capacity` log lines, addressed by an absolute index that only grows (0 is the first
 * line ever kept): views keep indices, not copies, and notice what fell off the front.
 */
export class LogRing {
  private readonly slots: Array<LogLine | undefined>;
  /** Absolute index of the oldest line kept. */
  first = 0;
  /** Absolute index after the newest line. */
  end = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<LogLine | undefined>(capacity);
  }

  get size(): number {
    return this.end - this.first;
  }

  push(line: LogLine): void {
    this.slots[this.end % this.capacity] = line;
    this.end++;
    if (this.end - this.first > this.capacity) this.first = this.end - this.capacity;
  }

  /** The line at an absolute index in [first, end). */
  get(index: number): LogLine {
    return this.slots[index % this.capacity] as LogLine;
  }

  clear(): void {
    for (let i = this.first; i < this.end; i++) this.slots[i % this.capacity] = undefined;
    this.first = this.end;
  }
}
