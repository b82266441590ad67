import { describeScenarios } from '../support/differential';
import type { Expectation } from '../support/expectations';
import { get, gets, repeat, seq, setMode, sleep } from '../support/scenarios';

/** Comfortably past a 1 s fail_timeout (nginx compares whole seconds; §4). */
const PAST_FT1 = 2500;

/** T9a: 18 requests alternate until A has failed three times; requests 5, 11 and 17 retry on B. */
const T9A: Expectation[] = [
  ...'A B A B B B A B A B B B A B A B B B'
    .split(' ')
    .map((token, i) => ([5, 11, 17].includes(i + 1) ? 'B [A,B] (502,200) <A,B>' : token)),
  ...repeat(12, () => 'B'),
];

describeScenarios('T7 backup, T8 down and tries', [
  {
    name: 'T7 primary refused: backup serves until fail_timeout, then A takes traffic back',
    upstream: 'server {A} fail_timeout=1s; server {B} backup;',
    modes: { A: 'refuse' },
    steps: [
      ...gets('B [A,B] (502,200)', 'B', 'B'),
      setMode('A', 'ok'),
      get('B <B>'),
      sleep(PAST_FT1),
      ...seq('A A A'),
    ],
  },
  {
    name: 'T7 two primaries fail within one request, backups alternate',
    upstream:
      'server {A} fail_timeout=30s; server {B} fail_timeout=30s; server {C} backup; server {D} backup;',
    modes: { A: 'refuse', B: 'reset' },
    steps: [get('C [A,B,C] (502,502,200) <B,C>'), ...seq('D C D C')],
  },
  {
    name: 'T8 a down peer is skipped',
    upstream: 'server {A}; server {B} down; server {C};',
    steps: seq('A C A C'),
  },
  {
    name: 'T8 {A; B down} with http_404: A 404 is passed through (tries = 1)',
    upstream: 'server {A}; server {B} down;',
    location: 'proxy_next_upstream error timeout http_404;',
    modes: { A: 'status:404' },
    steps: gets('404 "A-404" [A]', '404 "A-404" [A]'),
  },
  {
    name: 'T8 {A; B} with http_404: A 404 retried on B, A never disabled',
    upstream: 'server {A}; server {B};',
    location: 'proxy_next_upstream error timeout http_404;',
    modes: { A: 'status:404' },
    steps: gets('B [A,B] (404,200)', 'B', 'B [A,B] (404,200)', 'B'),
  },
]);

describeScenarios('T9 fails accumulate, T13 timing of the probe', [
  {
    name: 'T9a max_fails=3, A resets every 3rd request it receives (upstream.t)',
    upstream: 'server {A} max_fails=3; server {B} max_fails=3;',
    resetRules: { A: { every: 3 } },
    steps: gets(...T9A),
    property: (observations) => {
      const served = (id: string): number => observations.filter((o) => o.obs.servedBy === id).length;
      return served('A') === 6 && served('B') === 24
        ? undefined
        : `A served ${served('A')}, B ${served('B')}`;
    },
  },
  {
    name: 'T9b failures 2.5 s apart still add up (not a sliding window)',
    upstream: 'server {A} max_fails=2 fail_timeout=1s; server {B} max_fails=2 fail_timeout=1s;',
    modes: { A: 'reset' },
    steps: [
      get('B [A,B] (502,200) <A,B>'),
      sleep(PAST_FT1),
      ...gets('B <B>', 'B [A,B] (502,200) <A,B>'),
      setMode('A', 'ok'),
      ...gets('B <B>', 'B <B>', 'B <B>', 'B <B>'),
      sleep(PAST_FT1),
      ...seq('B A B A'),
    ],
  },
  {
    name: 'T13 a recovered peer rejoins with effective weight 0',
    upstream: 'server {A} fail_timeout=1s; server {B} fail_timeout=1s;',
    modes: { B: 'refuse' },
    steps: [
      ...gets('A', 'A [B,A] (502,200) <A>', 'A'),
      setMode('B', 'ok'),
      get('A <A>'),
      sleep(PAST_FT1),
      ...seq('A A B A B A'),
    ],
  },
]);
