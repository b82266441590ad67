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

describe('the last error', () => {
  /** backend2 refused (502), backend1 served: a failover. */
  function failover(time: number): RequestRecord {
    const served = record(time, 'backend1');
    return {
      ...served,
      attempts: [{ peer: 'backend2', addr: '127.0.0.1:2', status: 502, ms: 1 }, ...served.attempts],
    };
  }

  test('stays while the backend fails, clears once it serves a request again', () => {
    const stats = new BackendStats();
    const t0 = Date.now();
    stats.add([failover(t0)]);
    expect(stats.view('backend2', 1).lastError).toMatch(/^502 at \d\d:\d\d:\d\d$/);
    stats.add([failover(t0 + 10), record(t0 + 20, 'backend1')]);
    expect(stats.view('backend2', 1).lastError).toMatch(/^502 at /);
    // An answer of its own that is itself a server error is no recovery.
    stats.add([record(t0 + 30, 'backend2', 500)]);
    expect(stats.view('backend2', 1).lastError).toMatch(/^502 at /);
    stats.add([record(t0 + 40, 'backend2')]);
    expect(stats.view('backend2', 1).lastError).toBeNull();
    expect(stats.failedAttempts('backend2')).toBe(2);
  });

  test('clears when the backend is restored', () => {
    const stats = new BackendStats();
    stats.add([failover(Date.now())]);
    expect(stats.view('backend2', 1).lastError).not.toBeNull();
    stats.clearError('backend2');
    expect(stats.view('backend2', 1).lastError).toBeNull();
    stats.clearError('backend9');
    expect(stats.view('backend9', 1).lastError).toBeNull();
  });
});
