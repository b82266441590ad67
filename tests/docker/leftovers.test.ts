import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { App } from '../../core/app/app';
import { createLab } from '../../core/docker/lab';
import { cleanupLab, dockerReachable, SAMPLE_BACKEND, testDocker, uniqueLab } from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { goneOwner } from '../support/owners';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

describe.runIf(docker)('leftovers of an earlier run (real dockerd)', () => {
  const name = uniqueLab('left');
  afterAll(() => cleanupLab(name, [`upstream-lab/${name}:latest`]));

  test('are found by label on the next start, offered, and removed on request', async () => {
    const earlier = createLab({
      lab: name,
      project: SAMPLE_BACKEND,
      replicas: 2,
      docker: testDocker(),
      offline: true,
      // The earlier run's process has ended: only then is its lab a leftover.
      owner: await goneOwner(),
    });
    await earlier.build();
    await earlier.up();
    // The earlier process "crashed": it never ran down().
    earlier.close();

    const app = new App({ settings: { runtime: 'docker' }, stateDir: null });
    const notices: string[] = [];
    app.events.on('notice', (n) => notices.push(n.message));
    await app.call('leftovers.scan', {});
    expect(app.view().leftovers).toContainEqual({
      lab: name,
      containers: 2,
      running: 2,
      networks: [`${name}-net`],
      volumes: [],
      owner: expect.stringMatching(/^pid \d+ on host \S+ since /),
    });
    expect(notices.some((m) => m.includes(`lab "${name}" left 2 container(s)`))).toBe(true);

    await app.call('leftovers.remove', { lab: name });
    expect(app.view().leftovers.find((l) => l.lab === name)).toBeUndefined();
    const remaining = await testDocker().listContainers({
      all: true,
      filters: { label: [`upstream-lab.lab=${name}`] },
    });
    expect(remaining).toEqual([]);
    await app.close();
  }, 120_000);
});
