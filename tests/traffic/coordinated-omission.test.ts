import { afterEach, expect, test } from 'vitest';
import { expectWithin, generator, runCleanups, startServer, type Handler } from './helpers';

afterEach(runCleanups);

/** Answers at once, except that requests arriving during one 1 s stall wait for its end. */
function stallOnce(startAfterMs: number, stallMs: number): Handler {
  const startedAt = Date.now();
  return (_req, res) => {
    const stallFrom = startedAt + startAfterMs;
    const stallUntil = stallFrom + stallMs;
    const now = Date.now();
    if (now >= stallFrom && now < stallUntil) setTimeout(() => res.end('late'), stallUntil - now);
    else res.end('ok');
  };
}

test('open loop: a 1 s stall shows in p90/p99 (corrected), not only in max (uncorrected)', async () => {
  const server = await startServer(stallOnce(1000, 1000));
  // Few connections, as wrk2 or oha with -c: during the stall, due requests wait for one.
  const summary = await generator({
    url: server.url,
    rate: 200,
    durationMs: 4000,
    maxConnections: 4,
  }).start();

  expect(summary.failed).toBe(0);
  const corrected = summary.latencyMs!;
  const uncorrected = summary.uncorrectedLatencyMs!;
  // About a quarter of the requests were due during the stall, waiting 1000..0 ms.
  expectWithin(corrected.p90, 400, 1100, 'corrected p90');
  expectWithin(corrected.p99, 900, 1100, 'corrected p99');
  // Measured from when each was sent, only the 4 requests on the wire saw the stall.
  expect(uncorrected.p99).toBeLessThan(100);
  expectWithin(uncorrected.max, 900, 1100, 'uncorrected max');
  expect(summary.late).toBeGreaterThan(100);
});

test('closed loop (no correction): the same stall hides below p99', async () => {
  const server = await startServer(stallOnce(1000, 1000));
  const summary = await generator({ url: server.url, concurrency: 4, durationMs: 4000 }).start();

  expect(summary.uncorrectedLatencyMs).toBeNull();
  expect(summary.latencyMs!.p99).toBeLessThan(100);
  expectWithin(summary.latencyMs!.max, 900, 1100, 'max');
});
