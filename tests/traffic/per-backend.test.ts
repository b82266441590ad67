import { afterEach, expect, test } from 'vitest';
import { headerBackendExtractor, headerValue, type BackendExtractor } from '../../core/traffic';
import { collectSamples, generator, runCleanups, startServer } from './helpers';

afterEach(runCleanups);

test('per-backend counts from the JSON `backend` field, as the sample Django backend answers', async () => {
  const server = await startServer((_req, res, index) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ backend: `backend${(index % 3) + 1}`, hostname: 'c0ffee', path: '/' }));
  });
  const g = generator({ url: server.url, concurrency: 1, durationMs: 600, sampleIntervalMs: 200 });
  const samples = collectSamples(g);
  const summary = await g.start();

  const counts = Object.values(summary.perBackend);
  expect(Object.keys(summary.perBackend).sort()).toEqual(['backend1', 'backend2', 'backend3']);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(summary.completed);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  const fromSamples = samples.reduce((sum, s) => sum + (s.perBackend['backend2'] ?? 0), 0);
  expect(fromSamples).toBe(summary.perBackend['backend2']);
});

test('chunked JSON bodies count too; bodies over 4 KB and non-JSON ones fall back to the header', async () => {
  const server = await startServer((_req, res, index) => {
    res.setHeader('X-Upstream-Backend', 'from-header');
    if (index % 3 === 0) {
      res.write('{"backend":');
      res.end('"chunked"}'); // no Content-Length: chunked
    } else if (index % 3 === 1) {
      res.end(JSON.stringify({ backend: 'too-big', padding: 'x'.repeat(5000) }));
    } else {
      res.end('plain text');
    }
  });
  const summary = await generator({ url: server.url, concurrency: 1, durationMs: 400 }).start();

  expect(Object.keys(summary.perBackend).sort()).toEqual(['chunked', 'from-header']);
  expect(summary.failed).toBe(0);
});

test('X-Up-Addr, a headers-only extractor, and a custom one', async () => {
  const server = await startServer((_req, res, index) => {
    res.setHeader('X-Up-Addr', `127.0.0.1:900${index % 2}`);
    res.setHeader('X-Served-By', index % 2 ? 'odd' : 'even');
    res.end('{"backend":"ignored-by-the-header-extractor"}');
  });
  const byHeader = await generator({
    url: server.url,
    concurrency: 1,
    durationMs: 300,
    backendExtractor: headerBackendExtractor,
  }).start();
  expect(Object.keys(byHeader.perBackend).sort()).toEqual(['127.0.0.1:9000', '127.0.0.1:9001']);

  const servedBy: BackendExtractor = {
    maxBodyBytes: 0,
    extract: ({ headers }) => headerValue(headers, ['x-served-by']),
  };
  const custom = await generator({
    url: server.url,
    concurrency: 1,
    durationMs: 300,
    backendExtractor: servedBy,
  }).start();
  expect(Object.keys(custom.perBackend).sort()).toEqual(['even', 'odd']);
});
