import { describeScenarios } from '../support/differential';
import type { Expectation } from '../support/expectations';
import type { Step } from '../support/scenarios';
import { get, parallel, seq, setMode, sleep } from '../support/scenarios';

/** One GET per expectation, the n-th from source address 127.0.n.1 (ip_hash keys on 3 octets). */
const fromSubnets = (...expects: Expectation[]): Step[] =>
  expects.map((expect, n) => get(expect, { localAddress: `127.0.${n}.1` }));
/** One GET per key, `/?k=KEY`. */
const withKeys = (keys: Array<string | number>, ...expects: Expectation[]): Step[] =>
  expects.map((expect, i) => get(expect, { path: `/?k=${keys[i]}` }));
const ONE_TO_TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const ABC_FT30 = 'server {A} fail_timeout=30s; server {B} fail_timeout=30s; server {C} fail_timeout=30s;';
const letters = (tokens: string): string[] => tokens.split(' ');

describeScenarios('T14 ip_hash', [
  {
    name: 'T14 ip_hash, 3 peers',
    upstream: 'ip_hash; server {A}; server {B}; server {C};',
    steps: [...fromSubnets(...letters('C A B C A B C A')), get('C', { localAddress: '127.0.0.77' })],
  },
  {
    name: 'T14 ip_hash, 2 peers',
    upstream: 'ip_hash; server {A}; server {B};',
    steps: fromSubnets(...letters('A B A B')),
  },
  {
    name: 'T14 ip_hash, C down',
    upstream: 'ip_hash; server {A}; server {B}; server {C} down;',
    steps: fromSubnets(...letters('B A B B A B B A')),
  },
  {
    name: 'T14 ip_hash, C refused: rehash, then as if C were down',
    upstream: `ip_hash; ${ABC_FT30}`,
    modes: { C: 'refuse' },
    steps: fromSubnets('B [C,B] (502,200)', ...letters('A B B A B B A')),
  },
]);

describeScenarios('T14 hash $arg_k', [
  {
    name: 'T14 hash $arg_k',
    upstream: 'hash $arg_k; server {A}; server {B}; server {C};',
    steps: [
      ...withKeys(ONE_TO_TEN, ...letters('B C B A B A A C C A')),
      ...withKeys(['a', 'b', 'foo', 'bar'], ...letters('C A B B')),
    ],
  },
  {
    name: 'T14 hash $arg_k, B refused',
    upstream: `hash $arg_k; ${ABC_FT30}`,
    modes: { B: 'refuse' },
    steps: [
      ...withKeys(ONE_TO_TEN, 'A [B,A] (502,200)', ...letters('C A A C A A C C A')),
      ...withKeys(['foo', 'bar'], 'A', 'C'),
    ],
  },
  {
    name: 'T14 hash with an empty key falls back to round robin',
    upstream: 'hash $arg_k; server {A}; server {B}; server {C};',
    steps: seq('A B C A'),
  },
  {
    // The ring hashes the server address text, so the spec's ports are used as they are.
    name: 'T14 hash $arg_k consistent (ports 19001-19003)',
    upstream: 'hash $arg_k consistent; server {A}; server {B}; server {C};',
    fixedPorts: { A: 19001, B: 19002, C: 19003 },
    steps: withKeys(ONE_TO_TEN, ...letters('A C C B B C C A A B')),
  },
  {
    name: 'T14 hash $arg_k consistent, A refused (ports 19001-19003)',
    upstream: `hash $arg_k consistent; ${ABC_FT30}`,
    fixedPorts: { A: 19001, B: 19002, C: 19003 },
    modes: { A: 'refuse' },
    steps: withKeys(ONE_TO_TEN, 'B [A,B] (502,200)', ...letters('C C B B C C C B B')),
  },
]);

/** Three sequential GETs, a 4th on B that takes 2 s (read timeout 5 s), four GETs while it is in flight, four after. */
const overlap = (during: string): Step[] => [
  ...seq('A B A'),
  setMode('B', 'slow:2000'),
  parallel([get('B ~2s')], [sleep(300), setMode('B', 'ok'), ...seq(during)]),
  ...seq('A B A B'),
];

describeScenarios('T14 least_conn', [
  {
    name: 'T14 least_conn avoids the busy peer',
    upstream: 'least_conn; server {A}; server {B};',
    readTimeout: '5s',
    steps: overlap('A A A A'),
  },
  {
    name: 'T14 round robin under the same steps does not',
    upstream: 'server {A}; server {B};',
    readTimeout: '5s',
    steps: overlap('A B A B'),
  },
]);
