import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LabView, LogLine, MetricsSample, TimelineEvent } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { canaryWeights } from '../../core/app/canary-weights';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/**
 * Issue 12, items 3 and 4 on the demo runtime under the dashboard's traffic generator (200 req/s):
 * a canary at 10% beside the replicas, its figures beside theirs, promote and roll back, and
 * rollouts in waves (surge 2; unavailable 1) — none may fail a request.
 */

const versionsOf = (v: LabView): string[] => v.backends.map((b) => `${b.name}=${b.version}`);

describe('canary and rollout waves (demo runtime)', () => {
  let app: App;
  const logs: LogLine[] = [];
  const timeline: TimelineEvent[] = [];
  const metrics: MetricsSample[] = [];

  beforeAll(async () => {
    const port = await freePort();
    app = new App({ settings: { runtime: 'demo', lab: 'canarytest', listen: `127.0.0.1:${port}` } });
    app.events.on('logs', (lines) => logs.push(...lines));
    app.events.on('timeline', (event) => timeline.push(event));
    app.events.on('metrics', (sample) => metrics.push(sample));
    await app.call('lab.start', {});
    await waitForView(
      app,
      (v) => v.state === 'running' && v.backends.filter((b) => b.state === 'up').length === 3,
    );
    await app.call('traffic.start', { rate: 200 });
    await waitForView(app, (v) => v.traffic.ok > 100);
  });

  afterAll(() => app.close());

  /** Runs `change`, waits for `done`, then 100 more answers; none failed, the generator still runs. */
  async function underTraffic(
    change: () => Promise<unknown>,
    done: (v: LabView) => boolean,
  ): Promise<LabView> {
    expect(await change()).toEqual({ ok: true });
    const settled = await waitForView(app, (v) => v.state === 'running' && done(v), 20_000);
    await waitForView(app, (v) => v.traffic.ok - settled.traffic.ok >= 100);
    const after = app.view();
    expect(after.traffic.running).toBe(true);
    expect(after.traffic.failed).toBe(0);
    return after;
  }

  test('the weights nginx can express for a share', () => {
    expect(canaryWeights([1, 1, 1], 1, 10)).toMatchObject({ scale: 3, weight: 1, percent: 10 });
    expect(canaryWeights([1, 1, 1], 1, 25)).toMatchObject({ scale: 1, weight: 1, percent: 25 });
    // 2:1:1 keeps its ratio: 8 + 4 + 4 beside 4 is 20%.
    const { scale, weight, percent } = canaryWeights([2, 1, 1], 1, 20);
    expect(percent).toBeCloseTo(20, 5);
    expect(weight / (scale * 4 + weight)).toBeCloseTo(0.2, 5);
    // Weights stop at 100: 1% of three weight-100 servers is as close as they get.
    expect(canaryWeights([100, 100, 100], 1, 1).percent).toBeLessThan(1.5);
  });

  test('a canary at 10% gets about a tenth of the requests, its figures beside the others', async () => {
    const view = await underTraffic(
      () => app.call('canary.start', { percent: 10 }),
      (v) => v.canary?.state === 'running',
    );
    expect(view.canary).toMatchObject({ percent: 10, version: 'v2', replicas: ['backend4'] });
    expect(versionsOf(view)).toEqual(['backend1=v1', 'backend2=v1', 'backend3=v1', 'backend4=v2']);
    // 10 s of figures at 200 req/s: the share within a few points of 10%.
    await new Promise((r) => setTimeout(r, 10_500));
    const versions = app.view().versions;
    expect(versions.map((v) => v.version)).toEqual(['v1', 'v2']);
    const [v1, v2] = versions;
    const share = v2!.perSecond / (v1!.perSecond + v2!.perSecond);
    expect(share).toBeGreaterThan(0.06);
    expect(share).toBeLessThan(0.14);
    expect(v2!.errorRate).toBe(0);
    expect(v2!.p95Ms).not.toBeNull();
    expect(v2!.backends).toEqual(['backend4']);
    // The chart's seconds count by version too: every answer is one version's.
    const last = metrics.slice(-5);
    const sum = (r: Record<string, number> | undefined) => Object.values(r ?? {}).reduce((a, b) => a + b, 0);
    expect(last.reduce((n, m) => n + (m.perVersion?.['v2'] ?? 0), 0)).toBeGreaterThan(0);
    for (const m of last) expect(sum(m.perVersion)).toBe(sum(m.perBackend));
    // Its share, not the lab's: the saved weights are untouched.
    expect(app.view().settings.backends.backend1?.weight ?? 1).toBe(1);
  }, 40_000);

  test('while it runs, a rollout or a scale is refused and says why', async () => {
    await expect(app.call('lab.rollout', {})).rejects.toThrow(/canary is running: promote it/);
    await expect(app.call('lab.scale', { replicas: 4 })).rejects.toThrow(/canary is running/);
    await expect(app.call('canary.start', {})).rejects.toThrow(/canary is running already/);
  });

  test('promote: the rest roll over to it, its own replica goes, weights back to the lab’s', async () => {
    const view = await underTraffic(
      () => app.call('canary.promote', {}),
      (v) => v.canary === null && v.backends.length === 3 && v.backends.every((b) => b.version === 'v2'),
    );
    expect(view.backends.map((b) => b.weight)).toEqual([1, 1, 1]);
    expect(view.versions.map((v) => v.version)).toEqual(['v2']);
    expect(timeline.some((e) => e.kind === 'canary' && /v2 promoted/.test(e.detail))).toBe(true);
  }, 40_000);

  test('roll back: the canary goes, the replicas never changed', async () => {
    await underTraffic(
      () => app.call('canary.start', { percent: 30 }),
      (v) => v.canary?.state === 'running',
    );
    expect(versionsOf(app.view())).toEqual(['backend1=v2', 'backend2=v2', 'backend3=v2', 'backend4=v3']);
    await expect(app.call('canary.promote', { maxSurge: 0, maxUnavailable: 0 })).rejects.toThrow(
      /cannot both be 0/,
    );
    const view = await underTraffic(
      () => app.call('canary.rollback', {}),
      (v) => v.canary === null && v.backends.length === 3,
    );
    expect(versionsOf(view)).toEqual(['backend1=v2', 'backend2=v2', 'backend3=v2']);
    expect(view.backends.map((b) => b.weight)).toEqual([1, 1, 1]);
    await expect(app.call('canary.rollback', {})).rejects.toThrow(/no canary is running/);
    // The rolled-back version is not what a rollout rolls to: nothing changes.
    expect(logs.some((l) => /canary v3 rolled back: backend4 removed/.test(l.text))).toBe(true);
  }, 40_000);

  test('rollouts in waves: two started beside the old at once; one stop-first at a time', async () => {
    await expect(app.call('lab.rollout', { maxSurge: 0, maxUnavailable: 3 })).rejects.toThrow(
      /would take all 3 replica\(s\) out at once/,
    );
    await underTraffic(
      () => app.call('lab.rollout', { maxSurge: 2 }),
      (v) => v.backends.length === 3 && v.backends.every((b) => b.version === 'v4'),
    );
    expect(logs.some((l) => /rollout: 2 replica\(s\) at a time: 2 started beside the old/.test(l.text))).toBe(
      true,
    );
    await underTraffic(
      () => app.call('lab.rollout', { maxSurge: 0, maxUnavailable: 1 }),
      (v) => v.backends.length === 3 && v.backends.every((b) => b.version === 'v5'),
    );
    expect(
      logs.some((l) => /1 replica\(s\) at a time: 0 started beside the old, 1 drained/.test(l.text)),
    ).toBe(true);
  }, 60_000);
});
