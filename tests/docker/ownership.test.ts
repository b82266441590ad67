import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../core/app/app';
import { createLab } from '../../core/docker/lab';
import { defaultImageTag, labFilter } from '../../core/docker/labels';
import { ownerVolumeName } from '../../core/docker/ownership';
import { CliProcess } from '../support/cli-process';
import { cleanupLab, dockerReachable, SAMPLE_BACKEND, testDocker, uniqueLab } from '../support/docker';
import { getOnce } from '../support/load';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { liveOwner } from '../support/owners';
import { freePort } from '../support/target';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

const containersOf = async (lab: string): Promise<string[]> =>
  (await testDocker().listContainers({ all: true, filters: { label: [labFilter(lab)] } }))
    .map((c) => c.Names[0]!.replace(/^\//, ''))
    .sort();

describe.runIf(docker)('a running lab has an owner (real dockerd)', () => {
  const labs: string[] = [];
  const dirs: string[] = [];
  const children: CliProcess[] = [];
  const newLab = (prefix: string): string => {
    const name = uniqueLab(prefix);
    labs.push(name);
    return name;
  };
  const home = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'ul-owner-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const p of children)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    for (const lab of labs) {
      await cleanupLab(lab, [defaultImageTag(lab)]);
      await testDocker()
        .getVolume(ownerVolumeName(lab))
        .remove()
        .catch(() => undefined);
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a second `up` of the same lab (its own state folder) refuses, naming the holder; the first keeps serving', async () => {
    const lab = newLab('own');
    const [port1, port2] = [await freePort(), await freePort()];
    const first = new CliProcess(['up', '--lab', lab, '--listen', `127.0.0.1:${port1}`, '--replicas', '2'], {
      UPSTREAM_LAB_HOME: home(),
    });
    children.push(first);
    await first.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, 90_000);
    const before = await containersOf(lab);
    expect(before).toEqual([`${lab}-backend1`, `${lab}-backend2`]);

    const second = new CliProcess(['up', '--lab', lab, '--listen', `127.0.0.1:${port2}`], {
      UPSTREAM_LAB_HOME: home(),
    });
    children.push(second);
    expect(await second.exitCode(60_000), second.output).toBe(1);
    const said = second.stdout + second.stderr;
    expect(said).toMatch(
      new RegExp(`lab "${lab}" is in use by pid ${first.child.pid} on host \\S+ since \\d\\d:\\d\\d:\\d\\d`),
    );
    expect(said).toContain('another --lab');
    // Printed once.
    expect(said.split('is in use by').length - 1).toBe(1);
    // The second one's exit removed nothing of the first's.
    expect(await containersOf(lab)).toEqual(before);
    expect((await getOnce(false, port1, '/')).status).toBe(200);

    first.child.kill('SIGINT');
    expect(await first.exitCode(30_000), first.output).toBe(0);
    expect(await containersOf(lab)).toEqual([]);
  }, 180_000);

  it('only labs whose owner is gone are offered as leftovers; Remove refuses a live one', async () => {
    const lab = newLab('own-left');
    const other = await liveOwner();
    try {
      const running = createLab({
        lab,
        project: SAMPLE_BACKEND,
        replicas: 1,
        docker: testDocker(),
        offline: true,
        owner: other.owner,
      });
      await running.build();
      await running.up();
      running.close();

      const app = new App({ settings: { runtime: 'docker' }, stateDir: home() });
      await app.call('leftovers.scan', {});
      expect(app.view().leftovers.map((l) => l.lab)).not.toContain(lab);
      const refused = await app.call('leftovers.remove', { lab }).catch((e: Error) => e);
      expect((refused as Error).message).toMatch(
        new RegExp(`lab "${lab}" is in use by pid ${other.owner.pid}`),
      );
      expect(await containersOf(lab)).toEqual([`${lab}-backend1`]);
      await app.call('leftovers.adopt', { lab });
      // Adopting is starting it: refused as well, and nothing of it is removed.
      await app.events.waitFor('lab', (v) => v.state === 'error', 60_000).catch(() => undefined);
      expect(app.view().error ?? '').toMatch(/is in use by pid/);
      await app.call('lab.stop', {});
      expect(await containersOf(lab)).toEqual([`${lab}-backend1`]);

      // Its process ends: now it is a leftover, and Remove takes it away.
      await other.stop();
      await app.call('leftovers.scan', {});
      expect(app.view().leftovers.find((l) => l.lab === lab)).toMatchObject({
        containers: 1,
        networks: [`${lab}-net`],
      });
      await app.call('leftovers.remove', { lab });
      expect(await containersOf(lab)).toEqual([]);
      await app.close();
    } finally {
      await other.stop();
    }
  }, 180_000);
});
