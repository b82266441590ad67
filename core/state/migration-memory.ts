import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file';

/**
 * Remembers, per lab, the last database `migrate` ran to completion against (a key naming the
 * image and the database's volumes), so an unchanged lab starts without migrating again.
 */
export class MigrationMemory {
  constructor(private readonly dir: string) {}

  #file(lab: string): string {
    return join(this.dir, 'migrated', `${lab}.json`);
  }

  async has(lab: string, key: string): Promise<boolean> {
    try {
      const saved = JSON.parse(await readFile(this.#file(lab), 'utf8')) as { key?: unknown };
      return saved.key === key;
    } catch {
      return false;
    }
  }

  async remember(lab: string, key: string): Promise<void> {
    await writeFileAtomic(this.#file(lab), `${JSON.stringify({ key, at: new Date().toISOString() })}\n`);
  }

  async forget(lab: string): Promise<void> {
    await unlink(this.#file(lab)).catch(() => undefined);
  }
}
