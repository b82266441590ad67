import type { ChaosOptions, ChaosView } from '../api/contract';

export interface ChaosTarget {
  /** Backends that are up and may be broken now. */
  candidates(): string[];
  /** Applies a fault that undoes itself after `restoreAfterSec`. */
  fault(backend: string, action: ChaosOptions['actions'][number], restoreAfterSec: number): Promise<void>;
}

/**
 * "A random backend every N seconds" (in the manner of Pumba): each tick picks a backend that is
 * up, never the last one up (traffic keeps a healthy backend), and breaks it for a while.
 */
export class RandomFaults {
  private timer: NodeJS.Timeout | null = null;
  view: ChaosView = { running: false, options: null, next: null, last: null };

  constructor(
    private readonly target: ChaosTarget,
    private readonly changed: () => void,
    private readonly random: () => number = Math.random,
  ) {}

  start(options: ChaosOptions): void {
    this.stop();
    this.view = { running: true, options, next: Date.now() + options.everySec * 1000, last: null };
    this.timer = setInterval(() => void this.tick(options), options.everySec * 1000);
    this.timer.unref();
    this.changed();
  }

  private async tick(options: ChaosOptions): Promise<void> {
    this.view = { ...this.view, next: Date.now() + options.everySec * 1000 };
    const candidates = this.target.candidates();
    if (candidates.length > 1) {
      const backend = candidates[Math.floor(this.random() * candidates.length)]!;
      const action = options.actions[Math.floor(this.random() * options.actions.length)]!;
      this.view = { ...this.view, last: { t: Date.now(), backend, action } };
      await this.target.fault(backend, action, options.restoreAfterSec).catch(() => undefined);
    }
    this.changed();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.view.running) {
      this.view = { ...this.view, running: false, next: null };
      this.changed();
    }
  }
}
