import { afterAll, beforeAll, expect, test } from 'vitest';
import type { LogLine } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/** Issue 13, items 5 and 6: the traffic panel's figures add up, and every action is a lab log line. */
let app: App;
const logs: LogLine[] = [];

beforeAll(async () => {
  app = new App({ settings: { runtime: 'demo', lab: 'figures', listen: `127.0.0.1:${await freePort()}` } });
  app.events.on('logs', (lines) => logs.push(...lines));
  await app.call('lab.start', {});
  await waitForView(
    app,
    (v) => v.state === 'running' && v.backends.filter((b) => b.state === 'up').length === 3,
  );
});

afterAll(() => app.close());

const said = (pattern: RegExp) => logs.some((l) => l.source === 'lab' && pattern.test(l.text));

test('sent = ok + failed + in flight while running, + cut off once stopped; req/s 0 when stopped', async () => {
  await app.call('traffic.start', { concurrency: 16, path: '/slow?ms=200' });
  const running = await waitForView(app, (v) => v.traffic.ok > 50 && v.traffic.history.length >= 3);
  expect(running.traffic.inFlight).toBeGreaterThan(0);
  expect(running.traffic.sent).toBe(running.traffic.ok + running.traffic.failed + running.traffic.inFlight);
  expect(running.traffic.histogram.reduce((n, b) => n + b.count, 0)).toBeGreaterThan(0);
  expect(said(/^traffic: started, 16 in flight, GET \/slow\?ms=200, until stopped$/)).toBe(true);
  await app.call('traffic.stop', {});
  const { traffic } = app.view();
  expect(traffic).toMatchObject({ running: false, rps: 0, inFlight: 0 });
  // Requests in flight when it stopped are cut off: the balancer logs them as 499.
  expect(traffic.cutOff).toBeGreaterThan(0);
  expect(traffic.sent).toBe(traffic.ok + traffic.failed + traffic.cutOff);
  expect(said(/^traffic: stopped: \d+ sent, \d+ ok, 0 failed, \d+ cut off by the stop \(499\)$/)).toBe(true);
});

test('a weight or a limit set in the table is a lab log line', async () => {
  await app.call('backend.set', { backend: 'backend2', params: { weight: 3 } });
  await app.call('backend.set', { backend: 'backend3', params: { maxFails: 5, failTimeoutSec: 20 } });
  await waitForView(app, () => said(/^backend3: max_fails 5, fail_timeout \(s\) 20$/));
  expect(said(/^backend2: weight 3$/)).toBe(true);
});
