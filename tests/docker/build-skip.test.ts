import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLab } from '../../core/docker/lab';
import { cleanupLab, dockerReachable, SAMPLE_BACKEND, testDocker, uniqueLab } from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

describe.runIf(docker)('an unchanged project is not rebuilt (real dockerd)', () => {
  const name = uniqueLab('skip');
  const project = mkdtempSync(join(tmpdir(), 'ul-skip-'));
  cpSync(SAMPLE_BACKEND, project, { recursive: true });
  afterAll(async () => {
    await cleanupLab(name, [`upstream-lab/${name}:latest`]);
    rmSync(project, { recursive: true, force: true });
  });

  test('same files and arguments: the image as it is; a changed file or argument: a build', async () => {
    const lab = createLab({ lab: name, project, replicas: 1, docker: testDocker(), offline: true });
    const first = await lab.build();
    expect(first.steps.length).toBeGreaterThan(5);
    const again = await lab.build();
    expect(again.steps).toEqual([]);
    expect(again.imageId).toBe(first.imageId);

    writeFileSync(join(project, 'backend', 'extra.py'), '# changed\n');
    const changed = await lab.build();
    expect(changed.steps.length).toBeGreaterThan(5);
    expect(changed.imageId).not.toBe(first.imageId);

    // .dockerignore'd files don't count: Docker would not see them either.
    writeFileSync(join(project, '.dockerignore'), `${'*.log\n'}`);
    const ignoredBase = await lab.build();
    writeFileSync(join(project, 'debug.log'), 'noise');
    expect((await lab.build()).steps).toEqual([]);
    expect(ignoredBase.steps.length).toBeGreaterThan(0);

    const forced = await lab.build({ noCache: true });
    expect(forced.steps.length).toBeGreaterThan(5);
    lab.close();
  }, 180_000);
});
