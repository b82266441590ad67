import { execFile } from 'node:child_process';
import { readdir, readFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { exportNginx, exportReport } from '../../core/export';
import { LabStore } from '../../core/state/lab-store';
import { parseCsv } from './csv';
import { labRecord } from './fixtures';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let stateDir: string;
let out: string;

function exportCli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/upstream-lab.mjs', 'export', '--state-dir', stateDir, ...args],
      { cwd: REPO, encoding: 'utf8' },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'upstream-lab-export-state-'));
  out = await mkdtemp(join(tmpdir(), 'upstream-lab-export-out-'));
  await new LabStore(stateDir).save(labRecord());
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('upstream-lab export (a real process)', () => {
  test('--format nginx writes the nginx export', async () => {
    const path = join(out, 'nginx', 'nginx.conf');
    const run = await exportCli('--lab', 'course-lab', '--format', 'nginx', '--out', path);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`wrote ${path}\n`);
    expect(await readFile(path, 'utf8')).toBe(exportNginx(labRecord()));
    expect((await stat(path)).mode & 0o777).toBe(0o644);
  });

  test('--format compose writes compose.yaml and nginx.conf beside it', async () => {
    const dir = join(out, 'compose');
    const run = await exportCli(
      '--lab',
      'course-lab',
      '--format',
      'compose',
      '--out',
      join(dir, 'compose.yaml'),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`wrote ${join(dir, 'compose.yaml')}\nwrote ${join(dir, 'nginx.conf')}\n`);
    expect((await readdir(dir)).sort()).toEqual(['compose.yaml', 'nginx.conf']);
    const compose = parse(await readFile(join(dir, 'compose.yaml'), 'utf8'), { merge: true });
    expect(Object.keys(compose.services)).toEqual(['backend1', 'backend2', 'backend3', 'nginx']);
    expect(await readFile(join(dir, 'nginx.conf'), 'utf8')).toBe(exportNginx(labRecord()));
  });

  test('--format compose never replaces a file without --force: nothing written, what to do said once', async () => {
    const dir = join(out, 'compose-kept');
    await mkdir(dir, { recursive: true });
    // The student's own nginx.conf beside where compose.yaml would go.
    await writeFile(join(dir, 'nginx.conf'), 'events {}\n# mine\n');
    const args = ['--lab', 'course-lab', '--format', 'compose', '--out', join(dir, 'compose.yaml')];
    const refused = await exportCli(...args);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      `${join(dir, 'nginx.conf')} exists already: nothing was written. Export to another folder (--out DIR/compose.yaml), or add --force to replace it`,
    ]);
    expect((await readdir(dir)).sort()).toEqual(['nginx.conf']);
    expect(await readFile(join(dir, 'nginx.conf'), 'utf8')).toBe('events {}\n# mine\n');
    const forced = await exportCli(...args, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(join(dir, 'nginx.conf'), 'utf8')).toBe(exportNginx(labRecord()));
  });

  test('--format report follows the extension: .json, .csv, .html, and HTML otherwise', async () => {
    const record = labRecord();
    for (const [name, format] of [
      ['run.json', 'json'],
      ['run.CSV', 'csv'],
      ['run.html', 'html'],
      ['run-report', 'html'],
    ] as const) {
      const path = join(out, 'report', name);
      const run = await exportCli('--lab', 'course-lab', '--format', 'report', '--out', path);
      expect(run.code, run.stderr).toBe(0);
      expect(await readFile(path, 'utf8')).toBe(exportReport(record, format));
    }
    const csv = parseCsv(await readFile(join(out, 'report', 'run.CSV'), 'utf8'));
    expect(csv).toHaveLength(61);
  });

  test('a lab that was never saved: exit 1 and what to run', async () => {
    const run = await exportCli('--lab', 'nope', '--format', 'nginx', '--out', join(out, 'nope.conf'));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `no saved lab "nope" in ${stateDir} (run \`upstream-lab up --lab nope\` first)\n`,
    );
    expect(run.stdout).toBe('');
  });

  test("a corrupt lab file: exit 1 with the store's warning, the file kept aside", async () => {
    await mkdir(join(stateDir, 'labs'), { recursive: true });
    await writeFile(join(stateDir, 'labs', 'broken.json'), '{"version": 1, "settings": ');
    const run = await exportCli('--lab', 'broken', '--format', 'report', '--out', join(out, 'broken.html'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/broken\.json could not be read \(.*\); kept as .*broken\.json\.corrupt-\d+/);
    expect((await readdir(join(stateDir, 'labs'))).some((f) => f.startsWith('broken.json.corrupt-'))).toBe(
      true,
    );
  });

  test('a lab whose settings nginx would refuse: exit 1 saying why', async () => {
    const record = labRecord();
    record.settings = { ...record.settings, lab: 'hashed', method: 'ip_hash' };
    record.settings.backends.backend3 = { backup: true };
    await new LabStore(stateDir).save(record);
    const run = await exportCli('--lab', 'hashed', '--format', 'nginx', '--out', join(out, 'hashed.conf'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cannot export lab "hashed": the lab's settings make an nginx\.conf nginx would refuse/,
    );
  });

  test('bad arguments: an unknown format, or a lab name that is not one (usage errors: exit 2)', async () => {
    const format = await exportCli('--lab', 'course-lab', '--format', 'pdf', '--out', join(out, 'x.pdf'));
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Allowed choices are nginx, compose, report');
    const name = await exportCli('--lab', '../etc', '--format', 'nginx', '--out', join(out, 'x.conf'));
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/^--lab "\.\.\/etc": use lower-case letters, digits[^\n]*\n$/);
  });
});
