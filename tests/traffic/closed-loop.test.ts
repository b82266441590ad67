import http from 'node:http';
import { afterEach, expect, onTestFinished, test } from 'vitest';
import { eventually, generator, runCleanups, startServer } from './helpers';

afterEach(runCleanups);

test('keeps exactly N requests in flight', async () => {
  // The server holds every request and answers all it holds every 50 ms: just before each
  // release it counts what it holds, which in a closed loop of 8 must be 8, every time.
  const held: http.ServerResponse[] = [];
  const arrivals: number[] = [];
  const server = await startServer((_req, res) => {
    held.push(res);
    arrivals.push(server.inFlight());
  });
  const atRelease: number[] = [];
  const releaser = setInterval(() => {
    atRelease.push(held.length);
    for (const res of held.splice(0)) res.end('ok');
  }, 50);
  onTestFinished(() => clearInterval(releaser));

  const summary = await generator({ url: server.url, concurrency: 8, durationMs: 1000 }).start();

  expect(summary.mode).toBe('closed');
  expect(summary.failed).toBe(0);
  expect(atRelease.length).toBeGreaterThanOrEqual(15);
  expect(new Set(atRelease)).toEqual(new Set([8]));
  expect(Math.max(...arrivals)).toBe(8);
  expect(summary.aborted).toBe(8);
  expect(summary.sent).toBe(summary.completed + summary.aborted);
  // One keep-alive connection per slot, all closed at the end.
  expect(server.connectionsAccepted()).toBe(8);
  await eventually(() => expect(server.openConnections()).toBe(0));
});
