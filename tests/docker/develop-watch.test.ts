import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../core/app/app';
import { defaultImageTag } from '../../core/docker/labels';
import { SAMPLE_BACKEND } from '../../core/lab/sample';
import { cleanupLab, dockerReachable, uniqueLab } from '../support/docker';
import { getOnce } from '../support/load';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';
import { startUnderTraffic } from '../support/lab-view';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

/** Issue 12, item 5: a compose project's `develop.watch` rules drive `up --watch` (real dockerd, 200 req/s). */
const COMPOSE = `
services:
  web:
    build: .
    environment:
      DJANGO_AUTORELOAD: "1"
    develop:
      watch:
        - action: sync
          path: ./backend
          target: /app/backend
        - action: rebuild
          path: requirements.txt
`;

describe.runIf(docker)('develop.watch rules on real containers', () => {
  const lab = uniqueLab('dwatch');
  let project: string;
  let app: App;
  let port: number;
  const logs: string[] = [];

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'upstream-lab-dwatch-'));
    await cp(SAMPLE_BACKEND, project, { recursive: true });
    await writeFile(join(project, 'compose.yaml'), COMPOSE);
    app = new App({
      settings: {
        runtime: 'docker',
        lab,
        project,
        replicas: 3,
        listen: `127.0.0.1:${await freePort()}`,
        offline: true,
      },
      stateDir: null,
    });
    app.events.on('logs', (lines) => logs.push(...lines.map((l) => `${l.source}: ${l.text}`)));
    port = await startUnderTraffic(app);
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await cleanupLab(lab, [defaultImageTag(lab)]);
    await rm(project, { recursive: true, force: true });
  }, 60_000);

  it('a view saved under the sync rule’s path reaches /app/backend of every replica; a file no rule covers does nothing', async () => {
    const failed = app.view().traffic.failed;
    await app.call('lab.watch', { enabled: true });
    expect(
      logs.some((l) =>
        /watch: following .* by its compose develop.watch rules \(sync backend → \/app\/backend; rebuild requirements.txt\)/.test(
          l,
        ),
      ),
    ).toBe(true);
    await writeFile(join(project, 'README.md'), 'changed, and no rule covers it\n');
    const views = join(project, 'backend', 'views.py');
    await writeFile(
      views,
      (await readFile(views, 'utf8')).replace(
        "'backend': REPLICA_NAME,",
        "'backend': REPLICA_NAME,\n        'version': 7,",
      ),
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !logs.some((l) => /watch: .* serving the change/.test(l)))
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs.filter((l) => /watch: .* changed: /.test(l))).toEqual([
      'lab: watch: backend/views.py changed: copying into each replica in turn',
    ]);
    expect(logs.some((l) => /watch: backend1, backend2, backend3 serving the change/.test(l))).toBe(true);
    const seen = new Set<unknown>();
    for (let i = 0; i < 9; i++) seen.add((await getOnce(false, port, '/')).body?.['version']);
    expect([...seen]).toEqual([7]);
    expect(app.view().traffic.failed - failed).toBe(0);
  }, 120_000);
});
