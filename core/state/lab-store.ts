import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, readFileOrNull } from './atomic-file';
import { writeProblem } from './file-errors';
import { labRecord, type LabRecord } from './lab-record';

export interface LoadResult {
  record: LabRecord | null;
  /** Set when the file was unreadable: it was kept aside under this name and defaults apply. */
  warning: string | null;
}

/** Labs saved as one JSON file each, written atomically; a corrupt file is kept aside, never lost. */
export class LabStore {
  /** Labs whose file on disk was seen to be ours (or absent): saving over it loses nothing. */
  private readonly checked = new Set<string>();

  constructor(readonly dir: string) {}

  path(lab: string): string {
    return join(this.dir, 'labs', `${lab}.json`);
  }

  async load(lab: string): Promise<LoadResult> {
    const path = this.path(lab);
    const text = await readFileOrNull(path);
    if (text === null) {
      this.checked.add(lab);
      return { record: null, warning: null };
    }
    let problem: string;
    try {
      const parsed = labRecord.safeParse(JSON.parse(text));
      if (parsed.success) {
        this.checked.add(lab);
        return { record: parsed.data, warning: null };
      }
      problem = parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ');
    } catch (error) {
      problem = (error as Error).message;
    }
    const aside = `${path}.corrupt-${Date.now()}`;
    try {
      await rename(path, aside);
    } catch (error) {
      return {
        record: null,
        warning: `${path} could not be read (${problem}) nor kept aside (${writeProblem(aside, error)}); using defaults, and it is not saved over`,
      };
    }
    this.checked.add(lab);
    return {
      record: null,
      warning: `${path} could not be read (${problem}); kept as ${aside}, using defaults`,
    };
  }

  /** Saves; a file there that is not a lab (never loaded, since corrupted) is kept aside first. */
  async save(record: LabRecord): Promise<void> {
    const lab = record.settings.lab;
    if (!this.checked.has(lab)) await this.load(lab);
    if (!this.checked.has(lab))
      throw new Error(`${this.path(lab)} is not a saved lab and could not be kept aside`);
    await writeFileAtomic(this.path(lab), `${JSON.stringify(record, null, 2)}\n`);
  }
}
