import { describeScenarios } from '../support/differential';
import { get, gets, seq } from '../support/scenarios';

const FT30 = 'fail_timeout=30s';

describeScenarios('T1 smooth weighted round robin, T2 a failure changes later order', [
  {
    name: 'T1 weights 5/1/1',
    upstream: 'server {A} weight=5; server {B}; server {C};',
    steps: seq('A A B A C A A A A B A C A A'),
  },
  {
    name: 'T1 weights 2/1/1',
    upstream: 'server {A} weight=2; server {B}; server {C};',
    steps: seq('A B C A A B C A'),
  },
  {
    name: 'T1 weights 1/1/1',
    upstream: 'server {A}; server {B}; server {C};',
    steps: seq('A B C A B C'),
  },
  {
    name: 'T2 B refused: the retry round changes the order',
    upstream: `server {A} ${FT30}; server {B} ${FT30}; server {C} ${FT30};`,
    modes: { B: 'refuse' },
    steps: [get('A <A>'), get('C [B,C] (502,200) <C>'), ...seq('C A C A C A')],
  },
]);

describeScenarios('T10 max_fails=0, effective weight, status retries', [
  {
    name: 'T10a max_fails=0: A reset is retried every other request, never excluded',
    upstream: 'server {A} max_fails=0; server {B} max_fails=0;',
    modes: { A: 'reset' },
    steps: gets(
      'B [A,B] (502,200) <A,B>',
      'B <B>',
      'B [A,B] (502,200) <A,B>',
      'B <B>',
      'B [A,B] (502,200) <A,B>',
      'B <B>',
    ),
  },
  {
    name: 'T10b weight=4 max_fails=2: one failure lowers A effective weight by 2',
    upstream: `server {A} weight=4 max_fails=2 ${FT30}; server {B} ${FT30};`,
    resetRules: { A: { first: 1 } },
    steps: [get('B [A,B] (502,200) <A,B>'), ...seq('B A A A B A A A A B A')],
  },
  {
    name: 'T10c default mask: A 500 is passed through and A is not disabled',
    upstream: `server {A} ${FT30}; server {B} ${FT30};`,
    modes: { A: 'status:500' },
    steps: gets('500 "A-500" [A]', 'B', '500 "A-500" [A]', 'B'),
  },
  {
    name: 'T10c http_500 in the mask: A 500 is retried on B and A disabled',
    upstream: `server {A} ${FT30}; server {B} ${FT30};`,
    location: 'proxy_next_upstream error timeout http_500;',
    modes: { A: 'status:500' },
    steps: gets('B [A,B] (500,200) <A,B>', 'B <B>', 'B <B>'),
  },
  {
    name: 'T10c http_500 in the mask: A and B 500 end in no live upstreams',
    upstream: `server {A} ${FT30}; server {B} ${FT30};`,
    location: 'proxy_next_upstream error timeout http_500;',
    modes: { A: 'status:500', B: 'status:500' },
    steps: gets('500 "B-500" [A,B] (500,500) <A,B>', '502 [B,backend] (500,502) <B>', '502 [backend] <>'),
  },
  {
    name: 'T10c http_500 in the mask: A refused, B 500',
    upstream: `server {A} ${FT30}; server {B} ${FT30};`,
    location: 'proxy_next_upstream error timeout http_500;',
    modes: { A: 'refuse', B: 'status:500' },
    steps: gets('500 "B-500" [A,B] (502,500) <B>', '502 [B,backend] (500,502) <B>'),
  },
]);
