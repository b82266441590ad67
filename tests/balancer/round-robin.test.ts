import { describe, expect, test } from 'vitest';
import { makeUpstream, request, sequence } from './helpers';

describe('smooth weighted round robin (spec §3)', () => {
  test.each([
    [[5, 1, 1], 'A A B A C A A'],
    [[2, 1, 1], 'A B C A'],
    [[1, 1, 1], 'A B C'],
    [[3, 2], 'A B A B A'],
    [[4, 1], 'A A B A A'],
    [[4, 2, 1], 'A B A C A B A'],
  ])('weights %j give %s, then repeat', (weights, expected) => {
    const upstream = makeUpstream(weights.map((weight) => ({ weight })));
    const n = expected.split(' ').length;
    expect(sequence(upstream, n * 2)).toBe(`${expected} ${expected}`);
  });

  test('a failed attempt is another SWRR round that changes later order (T2)', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 30 }, { failTimeoutSec: 30 }, { failTimeoutSec: 30 }]);
    const refuseB = (p: { name: string }) => (p.name === 'B' ? 'failed' : 'ok');
    const served = Array.from({ length: 8 }, () => request(upstream, 1_000_000, refuseB).join(','));
    expect(served).toEqual(['A', 'B,C', 'C', 'A', 'C', 'A', 'C', 'A']);
  });

  test('effective weight drops by weight/max_fails and climbs back one per round (T10b)', () => {
    const upstream = makeUpstream([{ weight: 4, maxFails: 2, failTimeoutSec: 30 }, { failTimeoutSec: 30 }]);
    let first = true;
    const resetFirst = (p: { name: string }) => {
      if (p.name === 'A' && first) {
        first = false;
        return 'failed' as const;
      }
      return 'ok' as const;
    };
    const served = Array.from({ length: 12 }, () => request(upstream, 1_000_000, resetFirst).join(','));
    expect(served).toEqual(['A,B', 'B', 'A', 'A', 'A', 'B', 'A', 'A', 'A', 'A', 'B', 'A']);
  });

  test('down peers are skipped and left out of the try count', () => {
    const upstream = makeUpstream([{}, { down: true }, {}]);
    expect(sequence(upstream, 4)).toBe('A C A C');
    expect(upstream.begin(0).tries).toBe(2);
  });

  test('proxy_next_upstream_tries caps the attempts', () => {
    const upstream = makeUpstream([{}, {}, {}]);
    expect(upstream.begin(2).tries).toBe(2);
    expect(upstream.begin(0).tries).toBe(3);
  });
});
