import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabView } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { defaultImageTag } from '../../core/docker/labels';
import { SAMPLE_BACKEND } from '../../core/lab/sample';
import { cleanupLab, dockerReachable, labReplicas, uniqueLab } from '../support/docker';
import { getOnce } from '../support/load';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';
import { startUnderTraffic, waitForView } from '../support/lab-view';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

/**
 * Build first, replace after (issue 12, items 2 and 3) on real containers, under the dashboard's
 * traffic generator at 200 req/s: a rollout of 3 replicas, a build that fails and a new version
 * that never answers each cost 0 failed requests.
 */
describe.runIf(docker)('rolling updates of a Docker lab (real dockerd)', () => {
  const lab = uniqueLab('roll');
  let project: string;
  let app: App;
  let port: number;
  const logs: string[] = [];

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'upstream-lab-rollout-'));
    await cp(SAMPLE_BACKEND, project, { recursive: true });
    app = new App({
      settings: {
        runtime: 'docker',
        lab,
        project,
        // Django's runserver reloads on a changed file (the sample turns that off unless asked).
        env: { DJANGO_AUTORELOAD: '1' },
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

  const containers = () => labReplicas(lab);

  /** A rollout from the dashboard's command, to its end; the traffic's failures before and after. */
  async function rollout(): Promise<LabView> {
    const failed = app.view().traffic.failed;
    expect(await app.call('lab.rollout', {})).toEqual({ ok: true });
    const view = await waitForView(app, (v) => v.state === 'running', 180_000);
    expect(view.traffic).toMatchObject({ running: true });
    expect(view.traffic.failed - failed).toBe(0);
    return view;
  }

  const versionsServed = async () => {
    const seen = new Set<unknown>();
    for (let i = 0; i < 9; i++) seen.add((await getOnce(false, port, '/')).body?.['version']);
    return [...seen];
  };

  it('an edited view: every replica replaced in turn, start-first, none failed', async () => {
    const before = await containers();
    const views = join(project, 'backend', 'views.py');
    await writeFile(
      views,
      (await readFile(views, 'utf8')).replace(
        "'backend': REPLICA_NAME,",
        "'backend': REPLICA_NAME,\n        'version': 2,",
      ),
    );
    const view = await rollout();
    const after = await containers();
    expect(after.map((c) => c.name)).toEqual(before.map((c) => c.name));
    for (const [i, c] of after.entries()) {
      expect(c.id).not.toBe(before[i]!.id);
      expect(c.image).not.toBe(before[i]!.image);
    }
    expect(view.backends.map((b) => b.state)).toEqual(['up', 'up', 'up']);
    expect(await versionsServed()).toEqual([2]);
    expect(logs.filter((l) => /old version drained and removed/.test(l))).toHaveLength(3);
  }, 240_000);

  it('a build that fails leaves the replicas serving as they were', async () => {
    const before = await containers();
    const dockerfile = join(project, 'Dockerfile');
    const text = await readFile(dockerfile, 'utf8');
    await writeFile(dockerfile, `${text}\nRUN exit 3\n`);
    try {
      await rollout();
      expect(await containers()).toEqual(before);
      expect(
        logs.some((l) => l.includes('rollout: the build failed; the replicas keep running as they were')),
      ).toBe(true);
      expect(await versionsServed()).toEqual([2]);
    } finally {
      await writeFile(dockerfile, text);
    }
  }, 240_000);

  it('a new version that never answers stops the rollout; the old replicas go on', async () => {
    const before = await containers();
    const dockerfile = join(project, 'Dockerfile');
    const text = await readFile(dockerfile, 'utf8');
    await writeFile(dockerfile, text.replace(/^CMD .*$/m, 'CMD ["python", "-c", "import sys; sys.exit(4)"]'));
    try {
      const view = await rollout();
      expect(await containers()).toEqual(before);
      expect(view.backends.map((b) => b.state)).toEqual(['up', 'up', 'up']);
      expect(
        logs.some((l) =>
          /rollout: the rollout stopped at backend1: its new version did not become ready/.test(l),
        ),
      ).toBe(true);
      expect(await versionsServed()).toEqual([2]);
    } finally {
      await writeFile(dockerfile, text);
    }
  }, 240_000);

  it('watch: a saved view reaches every replica, one at a time, none failed', async () => {
    const before = await containers();
    const failed = app.view().traffic.failed;
    expect(await app.call('lab.watch', { enabled: true })).toEqual({ ok: true });
    expect(app.view().watching).toBe(true);
    const views = join(project, 'backend', 'views.py');
    const saved = Date.now();
    await writeFile(views, (await readFile(views, 'utf8')).replace("'version': 2,", "'version': 3,"));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !logs.some((l) => /watch: .* serving the change/.test(l)))
      await new Promise((resolve) => setTimeout(resolve, 100));
    const seconds = (Date.now() - saved) / 1000;
    console.log(`watch sync: every replica serving the change ${seconds.toFixed(1)} s after the save`);
    expect(logs.some((l) => /watch: backend1, backend2, backend3 serving the change/.test(l))).toBe(true);
    expect(await versionsServed()).toEqual([3]);
    expect(app.view().traffic.failed - failed).toBe(0);
    expect(await containers()).toEqual(before);
    expect(await app.call('lab.watch', { enabled: false })).toEqual({ ok: true });
  }, 120_000);

  const setVersion = async (from: number, to: number) => {
    const views = join(project, 'backend', 'views.py');
    await writeFile(
      views,
      (await readFile(views, 'utf8')).replace(`'version': ${from},`, `'version': ${to},`),
    );
  };

  /** `command` under the traffic, until the lab runs again with `done`; none failed meanwhile. */
  async function update(command: () => Promise<unknown>, done: (v: LabView) => boolean): Promise<LabView> {
    const failed = app.view().traffic.failed;
    expect(await command()).toEqual({ ok: true });
    const view = await waitForView(app, (v) => v.state === 'running' && done(v), 180_000);
    expect(view.traffic.running).toBe(true);
    expect(view.traffic.failed - failed).toBe(0);
    return view;
  }

  it('a stop-first rollout (max unavailable 1, no surge): each drained, replaced, none failed', async () => {
    const before = await containers();
    await setVersion(3, 4);
    await update(
      () => app.call('lab.rollout', { maxSurge: 0, maxUnavailable: 1 }),
      () => true,
    );
    const after = await containers();
    expect(after.map((c) => c.name)).toEqual(before.map((c) => c.name));
    for (const [i, c] of after.entries()) expect(c.id).not.toBe(before[i]!.id);
    expect(await versionsServed()).toEqual([4]);
  }, 240_000);

  it('a canary at 25% answers about a quarter; promoted, every replica runs it', async () => {
    await setVersion(4, 5);
    const view = await update(
      () => app.call('canary.start', { percent: 25 }),
      (v) => v.canary?.state === 'running',
    );
    expect(view.canary).toMatchObject({ replicas: ['backend4'], percent: 25 });
    expect((await containers()).map((c) => c.name.replace(/^.*-/, ''))).toEqual([
      'backend1',
      'backend2',
      'backend3',
      'backend4',
    ]);
    // Weights 1:1:1 beside 1: a quarter of the attempts over the 10 s window the figures cover.
    await new Promise((r) => setTimeout(r, 10_500));
    const [stable, canary] = app.view().versions;
    const share = canary!.perSecond / (stable!.perSecond + canary!.perSecond);
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.32);
    const answers = new Set<unknown>();
    for (let i = 0; i < 40; i++) answers.add((await getOnce(false, port, '/')).body?.['version']);
    expect([...answers].sort()).toEqual([4, 5]);
    const figures = app.view().versions;
    expect(figures.map((v) => v.backends)).toEqual([['backend1', 'backend2', 'backend3'], ['backend4']]);
    const promoted = await update(
      () => app.call('canary.promote', {}),
      (v) => v.canary === null,
    );
    // No request failed (asserted above); under CI's load one attempt may fail and be retried,
    // leaving a backend "failed" for fail_timeout: printed with what the balancer saw, not asserted.
    const states = promoted.backends.map((b) => `${b.name} ${b.state}`).join(', ');
    if (/failed|unhealthy/.test(states))
      console.log(
        `after the promote: ${states}\n${logs
          .filter((l) => l.startsWith('error:'))
          .slice(-6)
          .join('\n')}`,
      );
    expect(promoted.backends.map((b) => [b.name, b.weight])).toEqual([
      ['backend1', 1],
      ['backend2', 1],
      ['backend3', 1],
    ]);
    expect((await containers()).map((c) => c.name.replace(/^.*-/, ''))).toEqual([
      'backend1',
      'backend2',
      'backend3',
    ]);
    expect(await versionsServed()).toEqual([5]);
  }, 300_000);

  it('a canary rolled back: its replica goes, the others never changed, a scale runs theirs', async () => {
    const before = await containers();
    await setVersion(5, 6);
    await update(
      () => app.call('canary.start', { percent: 10 }),
      (v) => v.canary?.state === 'running',
    );
    await update(
      () => app.call('canary.rollback', {}),
      (v) => v.canary === null,
    );
    expect(await containers()).toEqual(before);
    expect(await versionsServed()).toEqual([5]);
    // The lab's image is theirs again: a scale-up starts version 5, not the rolled-back 6.
    await app.call('lab.scale', { replicas: 4 });
    await waitForView(app, (v) => v.backends.filter((b) => b.state === 'up').length === 4, 120_000);
    const seen = new Set<unknown>();
    for (let i = 0; i < 12; i++) seen.add((await getOnce(false, port, '/')).body?.['version']);
    expect([...seen]).toEqual([5]);
    await app.call('lab.scale', { replicas: 3 });
  }, 300_000);
});
