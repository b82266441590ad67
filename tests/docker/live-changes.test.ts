import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../core/app/app';
import { defaultImageTag } from '../../core/docker/labels';
import { cleanupLab, dockerReachable, labReplicas, uniqueLab } from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

const CONF = `
events {}
http {
  upstream backend_pool {
    least_conn;
    server backend1:8000 max_fails=3 fail_timeout=30s weight=1;
    server backend2:8000 max_fails=3 fail_timeout=30s weight=2;
    server backend3:8000 max_fails=3 fail_timeout=30s weight=1;
  }
  server {
    listen 80;
    location / {
      proxy_pass http://backend_pool;
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
    }
  }
}
`;

describe.runIf(docker)('live changes to a running Docker lab (real dockerd)', () => {
  const lab = uniqueLab('live');
  afterAll(() => cleanupLab(lab, [defaultImageTag(lab)]), 60_000);

  it('method, weight, backup and a conf import under 200 req/s: 0 failed, no container recreated', async () => {
    const app = new App({
      settings: {
        runtime: 'docker',
        lab,
        replicas: 3,
        listen: `127.0.0.1:${await freePort()}`,
        offline: true,
      },
      stateDir: null,
    });
    const containers = () => labReplicas(lab);
    try {
      await app.call('lab.start', {});
      await waitForView(app, (v) => v.backends.filter((b) => b.state === 'up').length === 3, 120_000);
      const before = await containers();
      expect(await app.call('traffic.start', { rate: 200 })).toEqual({ ok: true });
      await waitForView(app, (v) => v.traffic.ok > 200, 10_000);

      const changes: Array<() => Promise<unknown>> = [
        () => app.call('lab.start', { method: 'least_conn' }),
        () => app.call('lab.start', { backends: { backend2: { weight: 3 } } }),
        () => app.call('backend.set', { backend: 'backend3', params: { backup: true } }),
        () => app.call('config.import', { text: CONF, file: 'nginx/nginx.conf' }),
      ];
      for (const change of changes) {
        const ok = app.view().traffic.ok;
        await change();
        const after = await waitForView(app, (v) => v.traffic.ok - ok >= 200, 10_000);
        expect(after.state).toBe('running');
        expect(after.traffic).toMatchObject({ running: true, failed: 0 });
      }
      const view = app.view();
      expect(view.upstream).toBe('backend_pool');
      expect(view.backends.map((b) => [b.name, b.state, b.weight, b.backup])).toEqual([
        ['backend1', 'up', 1, false],
        ['backend2', 'up', 2, false],
        ['backend3', 'up', 1, false],
      ]);
      expect(await containers()).toEqual(before);
      // Issue 13, item 7: the report names the image built and the base image it actually ran on.
      const { run } = JSON.parse((await app.call('config.export', { format: 'report-json' })).text);
      expect(run.image).toMatch(
        new RegExp(`^${defaultImageTag(lab).replace(/[.:/]/g, '\\$&')} \\([0-9a-f]{12}\\)$`),
      );
      expect(run.baseImages.length).toBeGreaterThan(0);
      for (const base of run.baseImages) expect(base).toMatch(/^upstream-lab\/python(-derived)?:3\.13/);
    } finally {
      await app.close();
    }
  }, 240_000);
});
