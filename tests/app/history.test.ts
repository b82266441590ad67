import { afterAll, expect, test } from 'vitest';
import { App } from '../../core/app/app';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/** Issue 13, item 4: a page opened later gets the app's timeline (across lab restarts) and recent seconds. */
let app: App;
afterAll(() => app?.close());

test('the timeline and the per-second figures outlive a page and a lab restart; toxics are in it', async () => {
  app = new App({ settings: { runtime: 'demo', lab: 'history', listen: `127.0.0.1:${await freePort()}` } });
  await app.call('lab.start', {});
  await waitForView(
    app,
    (v) => v.state === 'running' && v.backends.filter((b) => b.state === 'up').length === 3,
  );
  await app.call('backend.toxic', { backend: 'backend1', toxic: { kind: 'latency', ms: 50, jitterMs: 0 } });
  await app.call('backend.action', { backend: 'backend2', action: 'kill' });
  await new Promise((r) => setTimeout(r, 2200));
  const first = await app.call('history.get', {});
  expect(first.timeline).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ backend: 'backend1', kind: 'toxic', detail: 'toxic latency 50±0 ms' }),
      expect.objectContaining({ backend: 'backend2', kind: 'killed' }),
    ]),
  );
  expect(first.metrics.length).toBeGreaterThanOrEqual(2);
  // A restart of the lab (Stop, then Start) keeps what happened before it.
  await app.call('lab.stop', {});
  await app.call('lab.start', {});
  await waitForView(app, (v) => v.state === 'running');
  const after = await app.call('history.get', {});
  expect(after.timeline.some((e) => e.kind === 'killed' && e.backend === 'backend2')).toBe(true);
  expect(after.metrics.length).toBeGreaterThanOrEqual(first.metrics.length);
  const times = after.timeline.map((e) => e.t);
  expect(times).toEqual([...times].sort((a, b) => a - b));
});
