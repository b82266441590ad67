import { describeScenarios } from '../support/differential';
import type { RecordedObservation, Step } from '../support/scenarios';
import { get, parallel, repeat, setMode, sleep } from '../support/scenarios';

/**
 * `random` is seeded per process (§7), so it cannot be matched request by request: these
 * scenarios check properties, on nginx and on ours alike.
 */

const served = (observations: RecordedObservation[], id: string): number =>
  observations.filter((o) => o.obs.servedBy === id).length;

/** Fails with the first request that breaks `ok`. */
const every =
  (what: string, ok: (o: RecordedObservation) => boolean) =>
  (observations: RecordedObservation[]): string | undefined => {
    const bad = observations.find((o) => !ok(o));
    return bad && `${bad.label} breaks "${what}": ${JSON.stringify(bad.obs)}`;
  };

/** One request stuck on a slow peer, ten more while it is in flight. */
const busyPeer = (): Step[] => [
  setMode('A', 'slow:1500'),
  setMode('B', 'slow:1500'),
  parallel([get()], [sleep(300), setMode('A', 'ok'), setMode('B', 'ok'), ...repeat(10, () => get())]),
];

const avoidsTheBusyPeer = (observations: RecordedObservation[]): string | undefined => {
  const [first, ...rest] = observations;
  const busy = first?.obs.servedBy;
  if (busy !== 'A' && busy !== 'B')
    return `the slow request was not served by A or B: ${JSON.stringify(first)}`;
  const other = busy === 'A' ? 'B' : 'A';
  const wrong = rest.filter((o) => o.obs.servedBy !== other).map((o) => o.label);
  return wrong.length === 0 ? undefined : `${busy} was busy, yet ${wrong.join(', ')} did not go to ${other}`;
};

describeScenarios('§7 random: properties only', [
  {
    name: 'random never picks a down or failed peer',
    upstream: 'random; server {A}; server {B} down; server {C} fail_timeout=30s;',
    modes: { C: 'refuse' },
    steps: repeat(40, () => get()),
    property: (observations) =>
      every('served by A', (o) => o.obs.servedBy === 'A')(observations) ??
      every('never B', (o) => !o.obs.upstreamAddrs?.includes('B'))(observations) ??
      (observations.filter((o) => o.obs.upstreamAddrs?.includes('C')).length > 1
        ? 'C was tried again after it failed'
        : undefined),
  },
  {
    name: 'random with a single peer always picks it',
    upstream: 'random; server {A};',
    steps: repeat(10, () => get('A')),
  },
  {
    name: 'random follows the weights (3:1 over 400 requests)',
    upstream: 'random; server {A} weight=3; server {B};',
    steps: repeat(400, () => get()),
    property: (observations) => {
      const share = served(observations, 'A') / observations.length;
      // Binomial sd is 0.022; the window is about ±4.6 sd (a false alarm about once in 200,000 runs).
      return share >= 0.65 && share <= 0.85 && served(observations, 'B') + served(observations, 'A') === 400
        ? undefined
        : `A served ${served(observations, 'A')}, B ${served(observations, 'B')} of 400`;
    },
  },
  {
    name: 'random two avoids a busy peer',
    upstream: 'random two; server {A}; server {B};',
    readTimeout: '5s',
    steps: busyPeer(),
    property: avoidsTheBusyPeer,
  },
  {
    name: 'random two least_conn avoids a busy peer',
    upstream: 'random two least_conn; server {A}; server {B};',
    readTimeout: '5s',
    steps: busyPeer(),
    property: avoidsTheBusyPeer,
  },
]);
