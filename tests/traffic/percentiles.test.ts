import { afterEach, expect, test } from 'vitest';
import type { TrafficSummary } from '../../core/traffic';
import { delayed, expectWithin, generator, runCleanups, startServer } from './helpers';

afterEach(runCleanups);

// Exactly 1 request in 10 takes 50 ms, the others 10 ms.
const mix = delayed((index) => (index % 10 === 9 ? 50 : 10));

function expectMixPercentiles(summary: TrafficSummary): void {
  const l = summary.latencyMs!;
  expectWithin(l.p50, 10, 13, 'p50');
  expectWithin(l.p95, 50, 55, 'p95');
  // p99 is the 1% slowest: wide enough for a busy 2-core machine's hiccups, not for p90's 10-ish ms.
  expectWithin(l.p99, 50, 80, 'p99');
  expectWithin(l.max, 50, 200, 'max');
  // Not 10: a Node timer counts from its loop iteration's start, so it can fire a little early.
  expectWithin(l.min, 9, 12, 'min');
  // The mean of a 90/10 mix of 10 and 50 ms is 14 ms, plus timer overhead.
  expectWithin(l.mean, 14, 17, 'mean');
  const histogramTotal = summary.histogram.reduce((sum, b) => sum + b.count, 0);
  expect(histogramTotal).toBe(summary.completed);
}

test('closed loop: percentiles of a 90% 10 ms / 10% 50 ms server', async () => {
  const server = await startServer(mix);
  const summary = await generator({ url: server.url, concurrency: 10, durationMs: 2500 }).start();
  expect(summary.completed).toBeGreaterThan(800);
  expectMixPercentiles(summary);
});

test('open loop: the same percentiles when the server keeps up', async () => {
  const server = await startServer(mix);
  const summary = await generator({ url: server.url, rate: 200, durationMs: 2500 }).start();
  expect(summary.completed).toBeGreaterThan(450);
  expectMixPercentiles(summary);
});

test('successLatencyOnly leaves failed responses out of the latency', async () => {
  const server = await startServer((_req, res, index) => {
    if (index % 4 === 3) setTimeout(() => res.end('slow ok'), 40);
    else {
      res.statusCode = 503;
      res.end('fast failure');
    }
  });
  const all = await generator({ url: server.url, concurrency: 2, durationMs: 600 }).start();
  const onlyOk = await generator({
    url: server.url,
    concurrency: 2,
    durationMs: 600,
    successLatencyOnly: true,
  }).start();

  expect(all.latencyMs!.p50).toBeLessThan(20);
  expectWithin(onlyOk.latencyMs!.p50, 40, 50, 'p50 of ok responses');
  expect(onlyOk.statuses['503']).toBeGreaterThan(0);
});
