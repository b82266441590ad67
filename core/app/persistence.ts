import type { LabSettings } from '../api/contract';
import type { LabRecord, RunRecord } from '../state/lab-record';
import { LabStore } from '../state/lab-store';

const SAVE_DELAY_MS = 300;

export interface SavedLab {
  settings: LabSettings;
  importedConfig: { text: string; file: string } | null;
}

/**
 * Saves the lab (settings, imported nginx.conf, last run) soon after every change and restores
 * it on the next start. Saving never blocks a command; a failed save is reported, not thrown.
 */
export class LabPersistence {
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: LabStore | null,
    private readonly snapshot: () => { lab: SavedLab; run: RunRecord | null },
    private readonly warn: (message: string) => void,
  ) {}

  /** The saved lab, or null: none, or a state folder that cannot be read (saving says so). */
  async restore(lab: string): Promise<LabRecord | null> {
    if (!this.store) return null;
    try {
      const { record, warning } = await this.store.load(lab);
      if (warning) this.warn(warning);
      return record;
    } catch {
      return null;
    }
  }

  saveSoon(): void {
    if (!this.store || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.saveNow();
    }, SAVE_DELAY_MS);
    this.timer.unref();
  }

  /** Saves now (after any save in progress); resolves when it is on disk. */
  saveNow(): Promise<void> {
    const store = this.store;
    if (!store) return Promise.resolve();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const { lab, run } = this.snapshot();
    const record: LabRecord = { version: 1, ...lab, lastRun: run, savedAt: Date.now() };
    this.pending = this.pending
      .then(() => store.save(record))
      .catch((error: Error) => this.warn(`could not save lab "${lab.settings.lab}": ${error.message}`));
    return this.pending;
  }
}
