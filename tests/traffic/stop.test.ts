import { afterEach, expect, test } from 'vitest';
import { eventually, expectWithin, generator, runCleanups, startServer } from './helpers';

afterEach(runCleanups);

const handles = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length;

for (const mode of [{ concurrency: 20 }, { rate: 400 }] as const) {
  test(`stop() (${'rate' in mode ? 'open' : 'closed'} loop) aborts in-flight requests and releases every socket and timer`, async () => {
    const server = await startServer((_req, res, index) => {
      // Most requests answer at once; every 4th hangs, so some are in flight at stop().
      if (index % 4 !== 3) res.end('ok');
    });
    const timersBefore = handles('Timeout');
    const socketsBefore = handles('TCPSocketWrap');
    const g = generator({ url: server.url, ...mode, durationMs: 0, timeoutMs: 60_000 });
    const done = g.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(g.running).toBe(true);
    expect(server.openConnections()).toBeGreaterThan(0);

    const summary = await g.stop();
    expect(await done).toBe(summary);
    expect(g.running).toBe(false);
    expect(summary.aborted).toBeGreaterThan(0);
    expect(summary.sent).toBe(summary.completed + summary.aborted);
    // A 500 ms timer may fire a fraction of a millisecond early by the generator's clock.
    expectWithin(summary.elapsedSec, 0.49, 1, 'elapsed');

    await eventually(() => expect(server.openConnections()).toBe(0));
    await eventually(() => expect(handles('TCPSocketWrap')).toBe(socketsBefore));
    expect(handles('Timeout')).toBeLessThanOrEqual(timersBefore);
  });
}

test('a duration ends the run by itself, with nothing left open', async () => {
  const server = await startServer((_req, res) => res.end('ok'));
  const timersBefore = handles('Timeout');
  const summary = await generator({ url: server.url, concurrency: 4, durationMs: 300 }).start();

  expectWithin(summary.elapsedSec, 0.29, 0.5, 'elapsed');
  await eventually(() => expect(server.openConnections()).toBe(0));
  expect(handles('Timeout')).toBeLessThanOrEqual(timersBefore);
});

test('stop() before start() gives an empty summary; a generator runs once', async () => {
  const server = await startServer((_req, res) => res.end('ok'));
  const g = generator({ url: server.url, concurrency: 1 });
  const summary = await g.stop();
  expect(summary.completed).toBe(0);
  expect(summary.latencyMs).toBeNull();
  expect(() => g.start()).toThrow(/runs once/);
});
