import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CliProcess } from '../support/cli-process';
import { freePort } from '../support/target';
import { getOnce } from '../support/load';

/**
 * `upstream-lab rollout` and `canary` from another terminal reach the lab an `up` runs, through
 * its control socket (issue 12, item 3), and say what went on; none of it fails a request.
 */
const home = mkdtempSync(join(tmpdir(), 'ul-cli-rollout-'));
const env = { UPSTREAM_LAB_HOME: home };
let up: CliProcess;
let port: number;

beforeAll(async () => {
  port = await freePort();
  up = new CliProcess(
    ['up', '--runtime', 'demo', '--lab', 'cliroll', '--listen', `127.0.0.1:${port}`, '--quiet'],
    env,
  );
  await up.waitFor(/listening on http/, 60_000);
}, 90_000);

afterAll(async () => {
  up.child.kill('SIGINT');
  await up.exitCode(30_000);
  rmSync(home, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number | null; out: string }> {
  const cli = new CliProcess(args, env);
  const code = await cli.exitCode(60_000);
  return { code, out: cli.output };
}

const versionsServed = async (n = 8): Promise<unknown[]> => {
  const seen = new Set<unknown>();
  for (let i = 0; i < n; i++) seen.add((await getOnce(false, port, '/')).body?.['version']);
  return [...seen];
};

test('rollout: the running lab is rebuilt and rolled over, step by step on the terminal', async () => {
  expect(await versionsServed()).toEqual([1]);
  const { code, out } = await run(['rollout', '--lab', 'cliroll']);
  expect(code, out).toBe(0);
  expect(out).toMatch(/rollout: each replica in turn/);
  expect(out).toMatch(/backend3: old version drained and removed/);
  expect(out).toMatch(/rollout: done, every replica runs the new version/);
  expect(await versionsServed()).toEqual([2]);
}, 90_000);

test('canary start, then promote; a second rollback says there is none', async () => {
  const started = await run(['canary', 'start', '--lab', 'cliroll', '--percent', '25']);
  expect(started.code, started.out).toBe(0);
  expect(started.out).toMatch(/canary v3 runs on backend4/);
  expect(await versionsServed(12)).toEqual(expect.arrayContaining([2, 3]));
  const promoted = await run(['canary', 'promote', '--lab', 'cliroll', '--max-surge', '3']);
  expect(promoted.code, promoted.out).toBe(0);
  expect(promoted.out).toMatch(/canary v3 promoted/);
  expect(await versionsServed()).toEqual([3]);
  const none = await run(['canary', 'rollback', '--lab', 'cliroll']);
  expect(none.code).toBe(1);
  expect(none.out).toMatch(/rollback: no canary is running/);
}, 90_000);

test('bad values and a lab nobody runs: one clear line each', async () => {
  const bad = await run(['rollout', '--lab', 'cliroll', '--max-surge', 'two']);
  expect(bad.code).toBe(2);
  expect(bad.out).toMatch(/--max-surge "two": --max-surge is a whole number from 0 to 20/);
  const zero = await run(['rollout', '--lab', 'cliroll', '--max-surge', '0']);
  expect(zero.code).toBe(1);
  expect(zero.out).toMatch(/cannot both be 0/);
  const gone = await run(['rollout', '--lab', 'nolab']);
  expect(gone.code).toBe(1);
  expect(gone.out).toMatch(/lab "nolab" is not running here: nothing answers on .*nolab\.sock \(ENOENT\)/);
  expect(gone.out).toMatch(/upstream-lab up --lab nolab/);
}, 60_000);
