import { describe, expect, test } from 'vitest';
import { ipHashKey } from '../../core/balancer/methods/ip-hash';
import type { Peer } from '../../core/balancer/peer';
import { makeUpstream, request, type Outcome } from './helpers';

const T0 = 1_000_000_000;
const refuse =
  (name: string) =>
  (p: Peer): Outcome =>
    p.name === name ? 'failed' : 'ok';

describe('ip_hash (spec §7, T14)', () => {
  const fromClient = (
    upstream: ReturnType<typeof makeUpstream>,
    address: string,
    outcome?: (p: Peer) => Outcome,
  ) =>
    request(upstream, T0, outcome, (state) => {
      state.clientKey = ipHashKey(address);
    }).join(',');

  test('3 peers, clients 127.0.N.1 for N = 0..7', () => {
    const upstream = makeUpstream([{}, {}, {}], { kind: 'ip_hash' });
    const served = Array.from({ length: 8 }, (_, n) => fromClient(upstream, `127.0.${n}.1`));
    expect(served.join(' ')).toBe('C A B C A B C A');
    expect(fromClient(upstream, '127.0.0.77')).toBe('C');
    expect(fromClient(upstream, '::ffff:127.0.0.1')).toBe('C');
  });

  test('2 peers and a down peer', () => {
    const two = makeUpstream([{}, {}], { kind: 'ip_hash' });
    expect(Array.from({ length: 4 }, (_, n) => fromClient(two, `127.0.${n}.1`)).join(' ')).toBe('A B A B');
    const down = makeUpstream([{}, {}, { down: true }], { kind: 'ip_hash' });
    expect(Array.from({ length: 8 }, (_, n) => fromClient(down, `127.0.${n}.1`)).join(' ')).toBe(
      'B A B B A B B A',
    );
  });

  test('a refusing peer is rehashed away within the request, then stays failed', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 30 }, { failTimeoutSec: 30 }, { failTimeoutSec: 30 }], {
      kind: 'ip_hash',
    });
    expect(fromClient(upstream, '127.0.0.1', refuse('C'))).toBe('C,B');
    const served = Array.from({ length: 7 }, (_, n) => fromClient(upstream, `127.0.${n + 1}.1`));
    expect(served.join(' ')).toBe('A B B A B B A');
  });
});

describe('hash $arg_k (spec §7, T14)', () => {
  const withKey = (upstream: ReturnType<typeof makeUpstream>, key: string, outcome?: (p: Peer) => Outcome) =>
    request(upstream, T0, outcome, (state) => {
      state.key = key;
    }).join(',');

  test('keys 1..10 and words', () => {
    const upstream = makeUpstream([{}, {}, {}], { kind: 'hash', key: '$arg_k', consistent: false });
    expect(Array.from({ length: 10 }, (_, i) => withKey(upstream, String(i + 1))).join(' ')).toBe(
      'B C B A B A A C C A',
    );
    expect(['a', 'b', 'foo', 'bar'].map((k) => withKey(upstream, k))).toEqual(['C', 'A', 'B', 'B']);
  });

  test('a refusing peer: the key rehashes', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 30 }, { failTimeoutSec: 30 }, { failTimeoutSec: 30 }], {
      kind: 'hash',
      key: '$arg_k',
      consistent: false,
    });
    const served = Array.from({ length: 10 }, (_, i) => withKey(upstream, String(i + 1), refuse('B')));
    expect(served.join(' ')).toBe('B,A C A A C A A C C A');
    expect(withKey(upstream, 'foo')).toBe('A');
    expect(withKey(upstream, 'bar')).toBe('C');
  });

  test('an empty key means round robin', () => {
    const upstream = makeUpstream([{}, {}, {}], { kind: 'hash', key: '$arg_k', consistent: false });
    expect(Array.from({ length: 4 }, () => withKey(upstream, '')).join(' ')).toBe('A B C A');
  });
});

describe('hash $arg_k consistent (spec §7, T14)', () => {
  const withKey = (upstream: ReturnType<typeof makeUpstream>, key: string, outcome?: (p: Peer) => Outcome) =>
    request(upstream, T0, outcome, (state) => {
      state.key = key;
    }).join(',');

  test('keys 1..10 on the ring of 127.0.0.1:19001..19003', () => {
    const upstream = makeUpstream([{}, {}, {}], { kind: 'hash', key: '$arg_k', consistent: true });
    expect(Array.from({ length: 10 }, (_, i) => withKey(upstream, String(i + 1))).join(' ')).toBe(
      'A C C B B C C A A B',
    );
  });

  test('with A refusing', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 30 }, { failTimeoutSec: 30 }, { failTimeoutSec: 30 }], {
      kind: 'hash',
      key: '$arg_k',
      consistent: true,
    });
    const served = Array.from({ length: 10 }, (_, i) => withKey(upstream, String(i + 1), refuse('A')));
    expect(served.join(' ')).toBe('A,B C C B B C C C B B');
  });
});

describe('least_conn (spec §7, T14)', () => {
  test('sequential traffic gives exactly the SWRR sequence', () => {
    const upstream = makeUpstream([{ weight: 5 }, {}, {}], { kind: 'least_conn' });
    const served = Array.from({ length: 7 }, () => request(upstream, T0).join(''));
    expect(served.join(' ')).toBe('A A B A C A A');
  });

  test('a busy peer is avoided while its request is in flight', () => {
    const upstream = makeUpstream([{}, {}], { kind: 'least_conn' });
    expect(Array.from({ length: 3 }, () => request(upstream, T0).join('')).join(' ')).toBe('A B A');
    const slow = upstream.begin(0);
    const busy = upstream.get(slow, T0)!;
    expect(busy.name).toBe('B');
    expect(Array.from({ length: 4 }, () => request(upstream, T0).join('')).join(' ')).toBe('A A A A');
    upstream.free(slow, busy, 'ok', T0);
    expect(Array.from({ length: 4 }, () => request(upstream, T0).join('')).join(' ')).toBe('A B A B');
  });
});

describe('random (spec §7: properties only)', () => {
  test('never picks down or failed peers; a single eligible peer always wins', () => {
    const upstream = makeUpstream([{ failTimeoutSec: 30 }, { down: true }, { failTimeoutSec: 30 }], {
      kind: 'random',
      two: false,
      leastConn: false,
    });
    upstream.peers[2]!.fails = 1;
    upstream.peers[2]!.checked = T0 / 1000;
    for (let i = 0; i < 200; i++) expect(request(upstream, T0)).toEqual(['A']);
  });

  test('the distribution follows the weights', () => {
    const upstream = makeUpstream([{ weight: 3 }, { weight: 1 }], {
      kind: 'random',
      two: false,
      leastConn: false,
    });
    const counts = { A: 0, B: 0 } as Record<string, number>;
    for (let i = 0; i < 8000; i++) counts[request(upstream, T0)[0]!]!++;
    expect(counts.A! / 8000).toBeGreaterThan(0.7);
    expect(counts.A! / 8000).toBeLessThan(0.8);
  });

  test('two least_conn avoids a busy peer', () => {
    const upstream = makeUpstream([{}, {}], { kind: 'random', two: true, leastConn: true });
    const state = upstream.begin(0);
    const busy = upstream.get(state, T0)!;
    for (let i = 0; i < 100; i++) expect(request(upstream, T0)).not.toContain(busy.name);
  });
});
