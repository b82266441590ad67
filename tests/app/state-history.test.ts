import { describe, expect, test } from 'vitest';
import { StateHistory } from '../../core/app/state-history';

describe('downtime and the last state change', () => {
  test('the time out of service adds up over every outage, the current one included', () => {
    const history = new StateHistory();
    history.observe('backend1', 'starting', 0);
    history.observe('backend1', 'up', 5_000);
    history.observe('backend1', 'killed', 10_000);
    history.observe('backend1', 'starting', 11_000);
    history.observe('backend1', 'up', 12_000);
    expect(history.downtimeMs('backend1', 20_000)).toBe(2_000);
    history.observe('backend1', 'paused', 30_000);
    expect(history.downtimeMs('backend1', 30_500)).toBe(2_500);
    expect(history.lastChangeAt('backend1')).toBe(30_000);
  });

  test('starting up before it first served is not downtime; the same state again is no change', () => {
    const history = new StateHistory();
    history.observe('backend2', 'starting', 0);
    expect(history.downtimeMs('backend2', 60_000)).toBe(0);
    history.observe('backend2', 'up', 60_000);
    history.observe('backend2', 'up', 61_000);
    expect(history.lastChangeAt('backend2')).toBe(60_000);
  });

  test('draining still serves: not downtime; maintenance and unhealthy are', () => {
    const history = new StateHistory();
    history.observe('backend3', 'up', 0);
    history.observe('backend3', 'draining', 1_000);
    history.observe('backend3', 'maintenance', 2_000);
    history.observe('backend3', 'unhealthy', 3_000);
    history.observe('backend3', 'up', 4_000);
    expect(history.downtimeMs('backend3', 9_000)).toBe(2_000);
  });

  test('a backend never seen has none; one scaled away is forgotten', () => {
    const history = new StateHistory();
    expect(history.downtimeMs('backend9')).toBe(0);
    expect(history.lastChangeAt('backend9')).toBeNull();
    history.observe('backend4', 'up', 0);
    history.forget('backend4');
    expect(history.lastChangeAt('backend4')).toBeNull();
  });
});
