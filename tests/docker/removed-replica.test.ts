import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../core/app/app';
import { defaultImageTag } from '../../core/docker/labels';
import { cleanupLab, dockerReachable, testDocker, uniqueLab } from '../support/docker';
import { getOnce } from '../support/load';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

describe.runIf(docker)("a replica removed behind the lab's back (real dockerd)", () => {
  const lab = uniqueLab('removed');
  afterAll(() => cleanupLab(lab, [defaultImageTag(lab)]), 60_000);

  it('shows as removed, not killed, and Restore recreates it', async () => {
    const app = new App({
      settings: {
        runtime: 'docker',
        lab,
        replicas: 2,
        listen: `127.0.0.1:${await freePort()}`,
        offline: true,
      },
      stateDir: null,
    });
    try {
      await app.call('lab.start', {});
      const running = await waitForView(
        app,
        (v) => v.backends.filter((b) => b.state === 'up').length === 2,
        90_000,
      );
      const port = Number(new URL(running.url!).port);
      const [victim] = await testDocker().listContainers({ filters: { name: [`${lab}-backend2`] } });
      await testDocker().getContainer(victim!.Id).remove({ force: true });

      const removed = await waitForView(
        app,
        (v) => v.backends.find((b) => b.name === 'backend2')?.state === 'removed',
        20_000,
      );
      expect(removed.backends.find((b) => b.name === 'backend1')?.state).toBe('up');

      await app.call('backend.action', { backend: 'backend2', action: 'restore' });
      await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend2')?.state === 'up', 60_000);
      const [again] = await testDocker().listContainers({ filters: { name: [`${lab}-backend2`] } });
      expect(again?.Id).toBeDefined();
      expect(again?.Id).not.toBe(victim!.Id);
      const served = new Set<string | undefined>();
      for (let i = 0; i < 6; i++) served.add((await getOnce(false, port, '/')).backend);
      expect(served.has('backend2')).toBe(true);
    } finally {
      await app.close();
    }
  }, 180_000);
});
