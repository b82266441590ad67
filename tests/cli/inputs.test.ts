import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { checkDashboardAddress } from '../../core/cli/dashboard-address';
import { settingsFor } from '../../core/cli/up-settings';
import { CliProcess } from '../support/cli-process';

const home = mkdtempSync(join(tmpdir(), 'ul-cli-inputs-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Each ended in a stack trace (or, --replicas 0, silently ran 3 replicas) before issue 10. */
describe('a bad command line: one line naming the option, exit 2, nothing started', () => {
  test.each([
    [['up', '--lab', '../x'], /^--lab "\.\.\/x": use lower-case letters, digits/],
    [['up', '--replicas', 'abc'], /^--replicas "abc": replicas must be a whole number from 1 to 20$/],
    [['up', '--replicas', '0'], /^--replicas "0": replicas must be a whole number from 1 to 20$/],
    [['up', '--replicas', '2.5'], /^--replicas "2\.5": replicas must be a whole number/],
    [['up', '--listen', ':99999'], /^--listen ":99999" is not HOST:PORT/],
    [['up', '--listen', '127.0.0.1:70000'], /^--listen "127\.0\.0\.1:70000" is not HOST:PORT/],
    [
      ['up', '--runtime', 'demo', '--dashboard', '0.0.0.0:0'],
      /^--dashboard 0\.0\.0\.0:0: 0\.0\.0\.0 is not a loopback address/,
    ],
    [['up', '--runtime', 'demo', '--ready-path', 'health'], /^--ready-path "health": .*"\/"/],
    [['status', '--lab', 'A B'], /^--lab "A B": use lower-case/],
    [['up', '--bogus'], /^error: unknown option '--bogus'$/],
  ])('%j', async (args, message) => {
    const cli = new CliProcess(args, { UPSTREAM_LAB_HOME: home });
    expect(await cli.exitCode(30_000), cli.output).toBe(2);
    const lines = cli.stderr.split('\n').filter(Boolean);
    expect(lines, cli.output).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(cli.stdout).toBe('');
  });
});

describe('--dashboard on a non-loopback address', () => {
  test('refused without --dashboard-public; with it, a warning that the token is the only guard', () => {
    const warnings: string[] = [];
    expect(() => checkDashboardAddress('0.0.0.0:5170', false, (l) => warnings.push(l))).toThrow(
      /--dashboard-public/,
    );
    expect(() => checkDashboardAddress('[::]:5170', false, (l) => warnings.push(l))).toThrow(
      /not a loopback/,
    );
    expect(warnings).toEqual([]);
    checkDashboardAddress('0.0.0.0:5170', true, (l) => warnings.push(l));
    expect(warnings).toEqual([expect.stringMatching(/^warning: .*token is the only guard/)]);
    for (const loopback of ['127.0.0.1:5170', '127.0.0.2:0', 'localhost:5170', '[::1]:5170']) {
      checkDashboardAddress(loopback, false, (l) => warnings.push(l));
    }
    expect(warnings).toHaveLength(1);
  });
});

test("settings the API's schema refuses name the option", () => {
  expect(() => settingsFor({ baseImage: 'x'.repeat(300) })).toThrow(/^--base-image "x+": /);
  expect(() => settingsFor({ envFiles: Array(11).fill('a') })).toThrow(/^--env-file: /);
  expect(settingsFor({ replicas: 4, lab: 'ok' })).toEqual({ replicas: 4, lab: 'ok' });
});
