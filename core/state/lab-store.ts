import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, readFileOrNull } from './atomic-file';
import { labRecord, type LabRecord } from './lab-record';

export interface LoadResult {
  record: LabRecord | null;
  /** Set when the file was unreadable: it was kept aside under this name and defaults apply. */
  warning: string | null;
}

/** Labs saved as one JSON file each, written atomically; a corrupt file is kept aside, never lost. */
export class LabStore {
  constructor(readonly dir: string) {}

  path(lab: string): string {
    return join(this.dir, 'labs', `${lab}.json`);
  }

  async load(lab: string): Promise<LoadResult> {
    const path = this.path(lab);
    const text = await readFileOrNull(path);
    if (text === null) return { record: null, warning: null };
    let problem: string;
    try {
      const parsed = labRecord.safeParse(JSON.parse(text));
      if (parsed.success) return { record: parsed.data, warning: null };
      problem = parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ');
    } catch (error) {
      problem = (error as Error).message;
    }
    const aside = `${path}.corrupt-${Date.now()}`;
    await rename(path, aside);
    return {
      record: null,
      warning: `${path} could not be read (${problem}); kept as ${aside}, using defaults`,
    };
  }

  async save(record: LabRecord): Promise<void> {
    await writeFileAtomic(this.path(record.settings.lab), `${JSON.stringify(record, null, 2)}\n`);
  }
}
