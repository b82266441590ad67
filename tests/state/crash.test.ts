import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { LabStore } from '../../core/state/lab-store';

const ROOT = resolve(import.meta.dirname, '../..');

/** A process that saves the lab as fast as it can, each time with the next weight. */
const WRITER = `
import { LabStore } from '${join(ROOT, 'core/state/lab-store.ts')}';
import { DEFAULT_SETTINGS } from '${join(ROOT, 'core/app/lab-config.ts')}';
const store = new LabStore(process.argv[2]);
for (let weight = 1; ; weight = (weight % 100) + 1) {
  await store.save({
    version: 1,
    settings: { ...DEFAULT_SETTINGS, lab: 'crash', backends: { backend1: { weight } } },
    importedConfig: { text: 'x'.repeat(20_000 + weight), file: 'nginx.conf' },
    lastRun: null,
    savedAt: Date.now(),
  });
  if (weight === 1) process.stdout.write('saving\\n');
}
`;

describe('a crash loses no saved setting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ul-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('SIGKILL in the middle of saving, 10 times: the file is always a whole, valid lab', async () => {
    const script = join(dir, 'writer.mts');
    writeFileSync(script, WRITER);
    for (let round = 0; round < 10; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { cwd: ROOT });
      await new Promise<void>((ready) => child.stdout.once('data', () => ready()));
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const { record, warning } = await new LabStore(dir).load('crash');
      expect(warning).toBeNull();
      expect(record?.settings.backends.backend1?.weight).toBeGreaterThanOrEqual(1);
      expect(record?.importedConfig?.text.length).toBe(20_000 + record!.settings.backends.backend1!.weight!);
    }
  }, 60_000);
});
