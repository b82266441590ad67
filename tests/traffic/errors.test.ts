import { afterEach, expect, test } from 'vitest';
import { generator, refusedPort, runCleanups, startServer } from './helpers';

afterEach(runCleanups);

test('a refused port: every request fails as ECONNREFUSED', async () => {
  const port = await refusedPort();
  const summary = await generator({ url: `http://127.0.0.1:${port}/`, rate: 200, durationMs: 500 }).start();

  expect(summary.completed).toBeGreaterThan(80);
  expect(summary.errors).toEqual({ ECONNREFUSED: summary.completed });
  expect(summary.ok).toBe(0);
  expect(summary.failed).toBe(summary.completed);
  expect(summary.successRate).toBe(0);
  expect(summary.latencyMs).toBeNull();
});

test('errors grouped by kind: reset, closed early, timeout; 5xx counted as failed statuses', async () => {
  const server = await startServer((req, res, index) => {
    const kind = index % 4;
    if (kind === 0) res.end('ok');
    else if (kind === 1) {
      res.statusCode = 502;
      res.end('bad gateway');
    } else if (kind === 2) req.socket.resetAndDestroy();
    // kind 3: never answers; the generator times out.
  });
  const summary = await generator({
    url: server.url,
    concurrency: 4,
    durationMs: 1200,
    timeoutMs: 300,
  }).start();

  expect(summary.statuses['200']).toBeGreaterThan(0);
  expect(summary.statuses['502']).toBeGreaterThan(0);
  expect(summary.errors['ECONNRESET']).toBeGreaterThan(0);
  expect(summary.errors['timeout']).toBeGreaterThan(0);
  expect(Object.keys(summary.errors).sort()).toEqual(['ECONNRESET', 'timeout']);
  expect(summary.ok).toBe(summary.statuses['200']);
  expect(summary.failed).toBe(summary.completed - summary.ok);
  expect(summary.successRate).toBeCloseTo(summary.ok / summary.completed, 6);
});

test('a server that closes without answering: "connection closed before a complete response"', async () => {
  const server = await startServer((req) => req.socket.end());
  const summary = await generator({ url: server.url, concurrency: 2, durationMs: 300 }).start();

  expect(Object.keys(summary.errors)).toEqual(['connection closed before a complete response']);
  expect(summary.ok).toBe(0);
});

test('keep-alive connections closed by the server between requests are reopened, not failed', async () => {
  const server = await startServer((req, res, index) => {
    res.end('ok');
    // Close idle connections now and then, as keepalive_timeout / keepalive_requests do.
    if (index % 5 === 4) setTimeout(() => req.socket.destroy(), 1);
  });
  const summary = await generator({ url: server.url, rate: 300, durationMs: 1000 }).start();

  expect(summary.failed).toBe(0);
  expect(server.connectionsAccepted()).toBeGreaterThan(10);
});
