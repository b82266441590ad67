import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LabStore } from '../../core/state/lab-store';
import { stateDirProblem } from '../../core/state/state-dir';
import { CliProcess } from '../support/cli-process';
import { labRecord } from '../export/fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ul-unwritable-'));
  await writeFile(join(dir, 'a-file'), 'not a folder');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const lines = (text: string): string[] => text.split('\n').filter(Boolean);

describe('export to a path it cannot write: one line naming the path and what to do', () => {
  let state: string;
  beforeAll(async () => {
    state = join(dir, 'export-state');
    await new LabStore(state).save(labRecord());
  });
  const exportTo = async (out: string, format = 'nginx'): Promise<CliProcess> => {
    const cli = new CliProcess([
      'export',
      '--state-dir',
      state,
      '--lab',
      'course-lab',
      '--format',
      format,
      '--out',
      out,
    ]);
    await cli.exitCode(30_000);
    return cli;
  };

  test('a folder', async () => {
    const cli = await exportTo(dir);
    expect(await cli.exited).toBe(1);
    expect(lines(cli.stderr)).toEqual([
      `--out ${dir} is a folder: name a file inside it, e.g. ${join(dir, 'nginx.conf')}`,
    ]);
  });

  test('compose beside a folder named nginx.conf: refused before compose.yaml is written', async () => {
    await mkdir(join(dir, 'compose', 'nginx.conf'), { recursive: true });
    const cli = await exportTo(join(dir, 'compose', 'compose.yaml'), 'compose');
    expect(await cli.exited).toBe(1);
    expect(lines(cli.stderr)).toEqual([
      expect.stringMatching(/nginx\.conf is a folder: name a file inside it/),
    ]);
    expect(existsSync(join(dir, 'compose', 'compose.yaml'))).toBe(false);
  });

  test('under a file', async () => {
    const out = join(dir, 'a-file', 'nginx.conf');
    const cli = await exportTo(out);
    expect(await cli.exited).toBe(1);
    expect(lines(cli.stderr)).toEqual([
      `--out: a part of ${out} is a file, not a folder: choose another path`,
    ]);
  });

  test.skipIf(!existsSync('/sys/kernel'))(
    'a place with no permission (sysfs refuses even root)',
    async () => {
      const cli = await exportTo('/sys/upstream-lab-nginx.conf');
      expect(await cli.exited).toBe(1);
      expect(lines(cli.stderr)).toEqual([
        '--out: no permission to write /sys/upstream-lab-nginx.conf: choose a folder you can write to, or fix its permissions',
      ]);
    },
  );
});

test('stateDirProblem says why a state folder cannot hold labs', async () => {
  expect(await stateDirProblem(join(dir, 'fine'))).toBeNull();
  expect(await readdir(join(dir, 'fine', 'labs'))).toEqual([]);
  expect(await stateDirProblem(join(dir, 'a-file', 'state'))).toMatch(/is a file, not a folder/);
});

test('a save over a corrupt file keeps it aside first', async () => {
  const store = new LabStore(join(dir, 'save-state'));
  await mkdir(join(dir, 'save-state', 'labs'), { recursive: true });
  await writeFile(store.path('course-lab'), '{"version": 1, "sett');
  await store.save(labRecord());
  const names = await readdir(join(dir, 'save-state', 'labs'));
  const aside = names.find((name) => name.startsWith('course-lab.json.corrupt-'));
  expect(aside).toBeDefined();
  expect(await readFile(join(dir, 'save-state', 'labs', aside!), 'utf8')).toBe('{"version": 1, "sett');
  expect((await store.load('course-lab')).record).toEqual(labRecord());
});

describe('up with a state folder it cannot use (a real process, demo runtime)', () => {
  const run = async (home: string, lab: string): Promise<CliProcess> => {
    const up = new CliProcess(
      ['up', '--runtime', 'demo', '--lab', lab, '--listen', '127.0.0.1:0', '--quiet'],
      {
        UPSTREAM_LAB_HOME: home,
      },
    );
    await up.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, 30_000);
    return up;
  };
  const stop = async (up: CliProcess): Promise<void> => {
    up.child.kill('SIGINT');
    await up.exitCode(30_000);
  };

  test('an unwritable state folder: said once, the lab runs anyway', async () => {
    const up = await run(join(dir, 'a-file', 'state'), 'unsaved');
    // Saves are tried every few seconds: none of them may repeat the warning.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stop(up);
    expect(lines(up.stderr)).toEqual([
      expect.stringMatching(
        /^warning: settings will not be saved: a part of .*a-file.* is a file, not a folder/,
      ),
    ]);
  }, 60_000);

  test('a corrupt saved lab is kept aside (said once), not overwritten', async () => {
    const home = join(dir, 'corrupt-home');
    await mkdir(join(home, 'labs'), { recursive: true });
    await writeFile(join(home, 'labs', 'corrupt.json'), 'garbage {');
    const up = await run(home, 'corrupt');
    await stop(up);
    expect(lines(up.stderr)).toEqual([
      expect.stringMatching(
        /^warning: .*corrupt\.json could not be read \(.*\); kept as .*corrupt\.json\.corrupt-\d+/,
      ),
    ]);
    const names = await readdir(join(home, 'labs'));
    const aside = names.find((name) => name.startsWith('corrupt.json.corrupt-'));
    expect(await readFile(join(home, 'labs', aside!), 'utf8')).toBe('garbage {');
  }, 60_000);
});
