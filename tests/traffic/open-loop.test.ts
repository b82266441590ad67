import { afterEach, expect, test } from 'vitest';
import { collectSamples, delayed, expectWithin, generator, runCleanups, startServer } from './helpers';

afterEach(runCleanups);

test('holds 500 req/s within ±5% for 4 s', { timeout: 15_000 }, async () => {
  const server = await startServer(delayed(() => 2));
  const g = generator({ url: server.url, rate: 500, durationMs: 4000 });
  const samples = collectSamples(g);
  const summary = await g.start();

  expect(summary.mode).toBe('open');
  expect(summary.failed).toBe(0);
  expect(summary.dropped).toBe(0);
  expectWithin(summary.completed / summary.elapsedSec, 475, 525, 'completed / elapsed');
  // Steady state: the seconds after the first.
  const steady = samples.filter((s) => s.elapsedSec > 1.5);
  expect(steady.length).toBeGreaterThanOrEqual(2);
  for (const sample of steady) expectWithin(sample.rps, 475, 525, `rps at ${sample.elapsedSec.toFixed(1)} s`);
  expect(summary.sent).toBe(2000); // due at 0, 2, 4, ... 3998 ms
  expect(server.requests()).toBeGreaterThanOrEqual(summary.completed);
});

test('a sample each interval with totals and this interval’s figures', async () => {
  const server = await startServer(delayed(() => 1));
  const g = generator({ url: server.url, rate: 200, durationMs: 1000, sampleIntervalMs: 250 });
  const samples = collectSamples(g);
  const summary = await g.start();

  expect(samples.length).toBe(4);
  const last = samples.at(-1)!;
  expect(last.completed).toBe(summary.completed);
  expect(last.ok).toBe(summary.ok);
  for (const s of samples) {
    expectWithin(s.rps, 150, 250, 'rps');
    expect(s.p50).toBeGreaterThan(0);
    expect(s.p99).toBeGreaterThanOrEqual(s.p50!);
    expect(s.max).toBeGreaterThanOrEqual(s.p99!);
    expect(s.statuses['200']).toBeGreaterThan(0);
  }
  const perInterval = samples.reduce((sum, s) => sum + (s.statuses['200'] ?? 0), 0);
  expect(perInterval).toBe(summary.statuses['200']);
});

test('beyond maxInFlight, due requests are dropped and counted', async () => {
  const server = await startServer(() => {}); // never answers
  const g = generator({ url: server.url, rate: 1000, durationMs: 500, maxInFlight: 50, maxConnections: 10 });
  const summary = await g.start();

  expect(summary.sent).toBe(10);
  expect(summary.aborted).toBe(50); // 10 on the wire, 40 waiting for a connection
  expectWithin(summary.dropped, 400, 470, 'dropped');
  expect(summary.completed).toBe(0);
});
