import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { labSettings } from '../../core/api/contract';
import { DEFAULT_SETTINGS } from '../../core/app/lab-config';
import { LabStore } from '../../core/state/lab-store';
import { CliProcess } from '../support/cli-process';
import { freePort } from '../support/target';

const home = mkdtempSync(join(tmpdir(), 'ul-cli-saved-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

test('up reads the saved lab: its settings are used, the options given win', async () => {
  const [saved, given] = [await freePort(), await freePort()];
  await new LabStore(home).save({
    version: 1,
    settings: labSettings.parse({
      ...DEFAULT_SETTINGS,
      lab: 'kept',
      runtime: 'demo',
      method: 'least_conn',
      listen: `127.0.0.1:${saved}`,
    }),
    importedConfig: null,
    lastRun: null,
    savedAt: Date.now(),
  });
  const up = new CliProcess(['up', '--runtime', 'demo', '--lab', 'kept', '--listen', `127.0.0.1:${given}`], {
    UPSTREAM_LAB_HOME: home,
  });
  await up.waitFor(/listening on http/, 60_000);
  expect(up.stdout).toMatch(/lab "kept": its saved settings are used; options given here take precedence/);
  // The flag's address, not the saved one.
  expect(up.stdout).toContain(`listening on http://127.0.0.1:${given}`);
  up.child.kill('SIGINT');
  expect(await up.exitCode(30_000), up.output).toBe(0);
  // What the run saved when it stopped: the saved method (the default is round_robin), the given address.
  const { record } = await new LabStore(home).load('kept');
  expect(record?.settings).toMatchObject({ method: 'least_conn', listen: `127.0.0.1:${given}` });
}, 90_000);
