import { describe, expect, it } from 'vitest';
import { toContainerEvent } from '../../core/docker/events';
import { toUnixSince } from '../../core/docker/logs';
import { backendIndex } from '../../core/docker/labels';

const attributes = { 'upstream-lab.lab': 'demo', 'upstream-lab.backend': 'backend2', name: 'demo-backend2' };

describe('engine events', () => {
  it('types a container event of the lab', () => {
    expect(
      toContainerEvent(
        {
          Type: 'container',
          Action: 'die',
          Actor: { ID: 'abc', Attributes: { ...attributes, exitCode: '137' } },
          timeNano: 1_700_000_000_123_456_000,
        },
        'demo',
      ),
    ).toEqual({
      action: 'die',
      id: 'abc',
      name: 'backend2',
      container: 'demo-backend2',
      time: 1_700_000_000_123,
      exitCode: 137,
    });
    expect(
      toContainerEvent(
        {
          Type: 'container',
          Action: 'health_status: unhealthy',
          Actor: { ID: 'abc', Attributes: attributes },
        },
        'demo',
      ),
    ).toMatchObject({ action: 'health_status', health: 'unhealthy' });
  });

  it('ignores other labs, other actions, and reads network events by container ID', () => {
    expect(
      toContainerEvent(
        { Type: 'container', Action: 'die', Actor: { ID: 'x', Attributes: attributes } },
        'other',
      ),
    ).toBeUndefined();
    expect(
      toContainerEvent(
        { Type: 'container', Action: 'exec_start: sh', Actor: { ID: 'x', Attributes: attributes } },
        'demo',
      ),
    ).toBeUndefined();
    expect(
      toContainerEvent(
        {
          Type: 'network',
          Action: 'disconnect',
          Actor: { ID: 'net', Attributes: { container: 'abc', name: 'demo-net' } },
          time: 5,
        },
        'demo',
      ),
    ).toEqual({ action: 'disconnect', id: 'abc', name: '', container: '', time: 5000, network: 'demo-net' });
  });
});

describe('helpers', () => {
  it('turns a Docker log timestamp into the `since` form', () => {
    expect(toUnixSince('2023-11-14T22:13:20.123456789Z')).toBe('1700000000.123456789');
    expect(toUnixSince('2023-11-14T22:13:20Z')).toBe('1700000000.000000000');
    expect(toUnixSince('2023-11-14T23:13:20.5+01:00')).toBe('1700000000.500000000');
  });

  it('finds the backend number in the names a user may type', () => {
    expect(backendIndex('demo', 'backend3')).toBe(3);
    expect(backendIndex('demo', 'demo-backend12')).toBe(12);
    expect(backendIndex('demo', '/demo-backend1')).toBe(1);
    expect(backendIndex('demo', 'other-backend1')).toBeUndefined();
    expect(backendIndex('demo', 'backend0')).toBeUndefined();
  });
});
