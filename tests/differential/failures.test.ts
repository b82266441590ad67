import { describeScenarios } from '../support/differential';
import { get, gets, post, put, seq, setMode } from '../support/scenarios';

const AB_FT30 = 'server {A} fail_timeout=30s; server {B} fail_timeout=30s;';
/** nginx passes an upstream answer without a status line through as HTTP/0.9. */
const GARBAGE_FROM_A = { status: null, body: 'GARBAGE\r\n', upstreamAddrs: null, backendHits: ['A'] };

describeScenarios('T3 failure kinds and idempotency', [
  {
    name: 'T3 B reset, GET is retried',
    upstream: AB_FT30,
    modes: { B: 'reset' },
    steps: gets('A', 'A [B,A] (502,200) <B,A>', 'A <A>', 'A <A>'),
  },
  {
    name: 'T3 B reset, POST is not retried once sent',
    upstream: AB_FT30,
    modes: { B: 'reset' },
    steps: [post('A'), post('502 [B] (502) <B>'), post('A <A>'), post('A <A>')],
  },
  {
    name: 'T3 B reset, PUT is retried like GET',
    upstream: AB_FT30,
    modes: { B: 'reset' },
    steps: [put('A'), put('A [B,A] (502,200) <B,A>'), put('A <A>'), put('A <A>')],
  },
  {
    name: 'T3 B refused, POST is retried (never sent)',
    upstream: AB_FT30,
    modes: { B: 'refuse' },
    steps: [post('A'), post('A [B,A] (502,200) <A>'), post('A'), post('A')],
  },
  {
    name: 'T3 A invalid header line: 502, not retried by default',
    upstream: AB_FT30,
    modes: { A: 'badheader' },
    steps: gets('502 [A] (502) <A>', 'B', 'B'),
  },
  {
    name: 'T3 A invalid header line with invalid_header in the mask',
    upstream: AB_FT30,
    location: 'proxy_next_upstream error timeout invalid_header;',
    modes: { A: 'badheader' },
    steps: gets('200 B [A,B] (502,200) <A,B>', 'B <B>', 'B <B>'),
  },
  {
    name: 'T3 A answers GARBAGE: passed through as HTTP/0.9, A not disabled',
    upstream: AB_FT30,
    modes: { A: 'garbage' },
    steps: [get(GARBAGE_FROM_A), get('B <B>'), get(GARBAGE_FROM_A)],
  },
]);

describeScenarios('T4 timeout, T5 everything fails, T6 a timeout hidden by no live upstreams', [
  {
    name: 'T4 A hangs, GET: 504 on A then B',
    upstream: AB_FT30,
    modes: { A: 'hang' },
    steps: gets('200 B [A,B] (504,200) <A,B> ~1s', 'B fast', 'B fast'),
  },
  {
    name: 'T4 A hangs, POST: 504, not retried',
    upstream: AB_FT30,
    modes: { A: 'hang' },
    steps: [post('504 [A] (504) <A> ~1s'), post('B fast'), post('B fast')],
  },
  {
    name: 'T5 both reset: 502, then no live upstreams without connecting',
    upstream: AB_FT30,
    modes: { A: 'reset', B: 'reset' },
    steps: gets('502 [A,B] (502,502) <A,B>', '502 [backend] (502) <> fast', '502 [backend] (502) <> fast'),
  },
  {
    name: 'T5 both hang: 504 after both timeouts, then no live upstreams',
    upstream: AB_FT30,
    modes: { A: 'hang', B: 'hang' },
    steps: gets('504 [A,B] (504,504) <A,B> ~2s', '502 [backend] (502) <> fast'),
  },
  {
    name: 'T6 A timeout then no live upstreams gives 502',
    upstream: AB_FT30,
    modes: { B: 'refuse' },
    steps: [
      ...gets('A', 'A [B,A] (502,200) <A>'),
      setMode('A', 'hang'),
      get('502 [A,backend] (504,502) <A> ~1s'),
      get('502 [backend] (502) <> fast'),
    ],
  },
]);

describeScenarios('T11 limits on retrying, T12 single server', [
  {
    name: 'T11 proxy_next_upstream_tries 2',
    upstream: 'server {A} fail_timeout=30s; server {B} fail_timeout=30s; server {C} fail_timeout=30s;',
    location: 'proxy_next_upstream_tries 2;',
    modes: { A: 'reset', B: 'reset', C: 'reset' },
    steps: gets('502 [A,B] (502,502) <A,B>', '502 [C,backend] (502,502) <C>', '502 [backend] (502) <>'),
  },
  {
    name: 'T11 proxy_next_upstream off still marks A failed',
    upstream: 'server {A}; server {B};',
    location: 'proxy_next_upstream off;',
    modes: { A: 'reset' },
    steps: [get('502 [A] (502) <A>'), ...seq('B B B')],
  },
  {
    name: 'T12 single server: never disabled, never retried',
    upstream: 'server {A} max_fails=1 fail_timeout=30s;',
    modes: { A: 'refuse' },
    steps: [
      ...gets('502 [A] (502) <>', '502 [A] (502) <>'),
      setMode('A', 'ok'),
      get('A <A> fast'),
      setMode('A', 'reset'),
      get('502 [A] (502) <A>'),
    ],
  },
  {
    name: 'T12 single server down: no live upstreams',
    upstream: 'server {A} down;',
    steps: gets('502 [backend] (502) <>'),
  },
]);
