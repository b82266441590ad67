import { describe, expect, test } from 'vitest';
import type { Peer } from '../../core/balancer/peer';
import { makeUpstream, request, type Outcome } from './helpers';

const SEC = 1000;
const T0 = 1_000_000 * SEC;
const failing =
  (...names: string[]) =>
  (p: Peer): Outcome =>
    names.includes(p.name) ? 'failed' : 'ok';

describe('max_fails and fail_timeout (spec §4)', () => {
  test('fails accumulate across windows: not a sliding window (T9b)', () => {
    const upstream = makeUpstream([
      { maxFails: 2, failTimeoutSec: 1 },
      { maxFails: 2, failTimeoutSec: 1 },
    ]);
    expect(request(upstream, T0, failing('A'))).toEqual(['A', 'B']);
    const later = T0 + 2.5 * SEC;
    expect(request(upstream, later, failing('A'))).toEqual(['B']);
    expect(request(upstream, later, failing('A'))).toEqual(['A', 'B']);
    // A is now disabled although its two failures were 2.5 s apart.
    for (let i = 0; i < 4; i++) expect(request(upstream, later)).toEqual(['B']);
    const after = later + 2.5 * SEC;
    const served = Array.from({ length: 4 }, () => request(upstream, after).join(''));
    expect(served).toEqual(['B', 'A', 'B', 'A']);
  });

  test('one probe per fail_timeout while failed; a successful probe resets fails (T13)', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 1 }, { failTimeoutSec: 1 }]);
    expect(request(upstream, T0, failing('B'))).toEqual(['A']);
    expect(request(upstream, T0, failing('B'))).toEqual(['B', 'A']);
    expect(request(upstream, T0, failing('B'))).toEqual(['A']);
    expect(request(upstream, T0)).toEqual(['A']);
    const later = T0 + 2.5 * SEC;
    const served = Array.from({ length: 6 }, () => request(upstream, later).join(''));
    // B rejoins with effective weight 0, so it first wins the third request.
    expect(served).toEqual(['A', 'A', 'B', 'A', 'B', 'A']);
  });

  test('a failed probe disables the peer for another full fail_timeout', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 1 }, { failTimeoutSec: 1 }]);
    request(upstream, T0, failing('B'));
    request(upstream, T0, failing('B'));
    const probeTime = T0 + 2.5 * SEC;
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(request(upstream, probeTime, failing('B')).join(','));
    expect(seen.filter((s) => s.includes('B'))).toHaveLength(1);
  });

  test('every peer failed and no backup: 502 without any attempt, no quick recovery (T5)', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 30 }, { failTimeoutSec: 30 }]);
    expect(request(upstream, T0, failing('A', 'B'))).toEqual(['A', 'B']);
    expect(request(upstream, T0)).toEqual(['backend']);
    expect(request(upstream, T0 + 29 * SEC)).toEqual(['backend']);
    // Both rejoin with effective weight 0; B's current weight (left higher by its retry round) wins.
    expect(request(upstream, T0 + 31 * SEC)).toEqual(['B']);
  });

  test('max_fails=0 never excludes a peer; only tried stops reuse in one request (T10a)', () => {
    const upstream = makeUpstream([{ maxFails: 0 }, { maxFails: 0 }]);
    const served = Array.from({ length: 6 }, () => request(upstream, T0, failing('A')).join(','));
    expect(served).toEqual(['A,B', 'B', 'A,B', 'B', 'A,B', 'B']);
  });

  test('403/404 retries pass NEXT: never counted as failures (T8)', () => {
    const upstream = makeUpstream([{}, {}]);
    const notFound = (p: Peer): Outcome => (p.name === 'A' ? 'next' : 'ok');
    const served = Array.from({ length: 4 }, () => request(upstream, T0, notFound).join(','));
    expect(served).toEqual(['A,B', 'B', 'A,B', 'B']);
  });
});

describe('single peer (spec §3)', () => {
  test('is never marked failed and never retried (T12)', () => {
    const upstream = makeUpstream([{ maxFails: 1, failTimeoutSec: 30 }]);
    expect(request(upstream, T0, failing('A'))).toEqual(['A']);
    expect(request(upstream, T0, failing('A'))).toEqual(['A']);
    expect(request(upstream, T0)).toEqual(['A']);
    expect(upstream.peers[0]!.fails).toBe(0);
  });

  test('a down single peer means no live upstreams', () => {
    expect(request(makeUpstream([{ down: true }]), T0)).toEqual(['backend']);
  });

  test('max_conns reached means no live upstreams', () => {
    const upstream = makeUpstream([{ maxConns: 1 }]);
    const busy = upstream.begin(0);
    expect(upstream.get(busy, T0)?.name).toBe('A');
    expect(request(upstream, T0)).toEqual(['backend']);
  });
});

describe('backup (spec §5)', () => {
  test('primaries failing move the request to the backups for its rest (T7)', () => {
    const upstream = makeUpstream([
      { failTimeoutSec: 30 },
      { failTimeoutSec: 30 },
      { backup: true },
      { backup: true },
    ]);
    expect(request(upstream, T0, failing('A', 'B'))).toEqual(['A', 'B', 'C']);
    const served = Array.from({ length: 4 }, () => request(upstream, T0).join(''));
    expect(served).toEqual(['D', 'C', 'D', 'C']);
  });

  test('the primary takes traffic back after fail_timeout', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 1 }, { backup: true }]);
    expect(request(upstream, T0, failing('A'))).toEqual(['A', 'B']);
    expect(request(upstream, T0)).toEqual(['B']);
    const later = T0 + 2.5 * SEC;
    expect([request(upstream, later), request(upstream, later), request(upstream, later)]).toEqual([
      ['A'],
      ['A'],
      ['A'],
    ]);
  });

  test('one backup server makes a single primary non-single: it can be marked failed', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 30 }, { backup: true }]);
    request(upstream, T0, failing('A'));
    expect(upstream.peers[0]!.fails).toBe(1);
  });

  test('tries count the live backups too', () => {
    expect(makeUpstream([{}, {}, { backup: true }, { backup: true, down: true }]).begin(0).tries).toBe(3);
  });
});
