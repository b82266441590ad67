import { afterAll, beforeAll, expect, test } from 'vitest';
import { App } from '../../core/app/app';
import type { RunReport } from '../../core/export/report-model';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/**
 * Issue 13, item 7: the report covers the whole lab run — every traffic run, every fault — and its
 * totals agree with its rows, also when a replica is scaled away and created anew (its figures in
 * the table start fresh; the run's do not).
 */
let app: App;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  app = new App({
    // Engine-aware, so a restored backend serves at once (not after fail_timeout): the report is the subject.
    settings: {
      runtime: 'demo',
      lab: 'report-session',
      listen: `127.0.0.1:${await freePort()}`,
      failureDetection: 'engine',
    },
  });
  await app.call('lab.start', {});
  await waitForView(
    app,
    (v) => v.state === 'running' && v.backends.filter((b) => b.state === 'up').length === 3,
  );
});

afterAll(() => app.close());

type Report = { run: RunReport };

async function jsonReport(): Promise<Report> {
  const exported = await app.call('config.export', { format: 'report-json' });
  return JSON.parse(exported.text) as Report;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

test('two traffic runs, two faults, a replica scaled away and back: all in the report, totals = rows', async () => {
  await app.call('traffic.start', { rate: 60 });
  await pause(2500);
  await app.call('backend.action', { backend: 'backend2', action: 'kill' });
  await pause(1000);
  await app.call('backend.action', { backend: 'backend2', action: 'restore' });
  await app.call('traffic.stop', {});
  await app.call('lab.scale', { replicas: 2 });
  await waitForView(app, (v) => v.backends.length === 2);
  await app.call('lab.scale', { replicas: 3 });
  await waitForView(app, (v) => v.backends.filter((b) => b.state === 'up').length === 3);
  await app.call('traffic.start', { concurrency: 3, path: '/slow?ms=40' });
  await app.call('backend.toxic', { backend: 'backend1', toxic: { kind: 'latency', ms: 100, jitterMs: 0 } });
  await pause(2500);
  await app.call('traffic.stop', {});
  // The balancer's records reach the figures in batches: let the last ones land.
  await pause(500);

  const { run } = await jsonReport();
  expect(run.trafficRuns).toHaveLength(2);
  expect(run.trafficRuns[1]!.concurrency).toBe(3);
  expect(run.totals.trafficRuns).toBe(2);
  // kill and the toxic; the restore and the toxic's removal are not faults.
  expect(run.totals.faults).toBe(2);
  expect(run.timeline.some((e) => e.kind === 'toxic' && e.backend === 'backend1')).toBe(true);

  const { totals } = run;
  expect(totals.served).toBe(sum(run.backends.map((b) => b.requests)));
  expect(totals.requests).toBe(totals.served + totals.failed + totals.cutOff);
  expect(totals.requests).toBe(sum(Object.values(run.statusTotals)));
  // The per-second series holds the same requests as the rows, backend by backend.
  for (const backend of run.backends) {
    expect(sum(run.seconds.map((s) => s.perBackend[backend.name] ?? 0)), backend.name).toBe(backend.requests);
  }
  expect(sum(run.seconds.map((s) => s.failed))).toBe(totals.failed);
  // backend3 served before its scale-down: the table's fresh figures do not lose those.
  const backend3 = run.backends.find((b) => b.name === 'backend3')!;
  expect(backend3.requests).toBeGreaterThan(app.view().backends.find((b) => b.name === 'backend3')!.requests);
  // Each traffic run adds up: sent = ok + failed + cut off.
  for (const traffic of run.trafficRuns)
    expect(traffic.sent).toBe(traffic.ok + traffic.failed + traffic.aborted);
  // The demo backends build nothing: no image, no base image claimed.
  expect(run.image).toBeNull();
  expect(run.baseImages).toEqual([]);
}, 60_000);

test('the HTML report names no base image for the demo backends and shows every traffic run', async () => {
  const page = (await app.call('config.export', { format: 'report-html' })).text;
  expect(page).toContain('none: the demo backends are built in');
  expect(page).not.toContain('python:3.13');
  expect(page).toContain('All 2 runs');
  expect(page).toMatch(/<td>All backends<\/td>/);
});
