import { describe, expect, test } from 'vitest';
import { BackendStats, MAX_BACKENDS, OTHER_BACKENDS } from '../../core/app/backend-stats';
import type { RequestRecord } from '../../core/balancer/record';

function record(time: number, servedBy: string | null, status = 200): RequestRecord {
  return {
    time,
    method: 'GET',
    uri: '/',
    httpVersion: '1.1',
    host: 'localhost',
    clientAddr: '127.0.0.1',
    userAgent: '',
    referer: '',
    upstream: 'backend_pool',
    attempts: servedBy ? [{ peer: servedBy, addr: '127.0.0.1:1', status, ms: 2 }] : [],
    servedBy,
    status,
    upstreamMs: 2,
    requestMs: 3,
    bytesSent: 10,
    bytesReceived: 0,
  };
}

describe('per-second metrics', () => {
  test('every closed second reaches tick(), even when records of a later second closed it', () => {
    const stats = new BackendStats();
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    stats.add([record(t0 + 100, 'backend1'), record(t0 + 200, 'backend2')]);
    stats.add([record(t0 + 1100, 'backend1')]);
    stats.add([record(t0 + 2100, 'backend3'), record(t0 + 2200, null, 502)]);
    const samples = stats.tick(t0 + 3000);
    expect(samples.map((s) => s.perBackend)).toEqual([
      { backend1: 1, backend2: 1 },
      { backend1: 1 },
      { backend3: 1 },
    ]);
    expect(samples[2]).toMatchObject({ failed: 1, statuses: { '200': 1, '502': 1 } });
    expect(stats.tick(t0 + 3500)).toEqual([]);
  });
});

describe('bounded per-backend state', () => {
  test('backends past MAX_BACKENDS (a proxy_pass with variables reaching any port) share one entry', () => {
    const stats = new BackendStats();
    const t0 = Date.now();
    const records = Array.from({ length: MAX_BACKENDS + 100 }, (_, i) => record(t0, `127.0.0.1:${1000 + i}`));
    stats.add(records);
    expect(stats.view('127.0.0.1:1000', 1).requests).toBe(1);
    expect(stats.view(`127.0.0.1:${1000 + MAX_BACKENDS}`, 1).requests).toBe(0);
    expect(stats.view(OTHER_BACKENDS, 1).requests).toBe(100);
  });
});
