import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultImageTag, labFilter } from '../../core/docker/labels';
import { CliProcess } from '../support/cli-process';
import { cleanupLab, dockerReachable, testDocker, uniqueLab } from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

const FATAL_LAB = resolve(import.meta.dirname, 'support/fatal-lab.ts');

/** Every container and network still carrying the lab's label. */
async function leftovers(lab: string): Promise<string[]> {
  const d = testDocker();
  const containers = await d.listContainers({ all: true, filters: { label: [labFilter(lab)] } });
  const networks = await d.listNetworks({ filters: { label: [labFilter(lab)] } });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...networks.map((n) => `network ${n.Name}`)];
}

describe.runIf(docker)('however `up` ends, its lab is removed (real dockerd)', () => {
  const labs: string[] = [];
  const newLab = (prefix: string): string => {
    const name = uniqueLab(prefix);
    labs.push(name);
    return name;
  };
  afterAll(async () => {
    for (const lab of labs) await cleanupLab(lab, [defaultImageTag(lab)]);
  }, 60_000);

  it('SIGHUP (the terminal closed) removes the replicas, as Ctrl-C does', async () => {
    const lab = newLab('hup');
    const port = await freePort();
    const up = new CliProcess(['up', '--lab', lab, '--listen', `127.0.0.1:${port}`, '--replicas', '2']);
    try {
      await up.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, 90_000);
      expect((await leftovers(lab)).filter((l) => l.startsWith('container'))).toHaveLength(2);
      up.child.kill('SIGHUP');
      expect(await up.exitCode(30_000), up.output).toBe(0);
      expect(await leftovers(lab)).toEqual([]);
    } finally {
      up.child.kill('SIGKILL');
    }
  }, 120_000);

  for (const how of ['throw', 'reject'] as const) {
    it(`an uncaught error (${how}) is printed once, the lab removed, exit 1`, async () => {
      const lab = newLab(`fatal-${how}`);
      const child = spawn(process.execPath, ['--import', 'tsx', FATAL_LAB, lab, how], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      const code = await new Promise<number | null>((done) => child.once('exit', done));
      expect(stdout, stderr).toContain('up\n');
      expect(code, stderr).toBe(1);
      const message = how === 'throw' ? 'boom from a timer' : 'boom from a promise';
      expect(stderr.split(message).length - 1, stderr).toBe(1);
      expect(stderr).toMatch(/fatal: Error: boom from a .*\n\s+at /);
      expect(await leftovers(lab)).toEqual([]);
    }, 120_000);
  }
});
