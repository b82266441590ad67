import { describe, expect, test } from 'vitest';
import type { PeerSnapshot } from '../../core/balancer/snapshot';
import { BackendMachine } from '../../core/lab/backend-machine';
import { byBackendOrder } from '../../core/lab/backend-name';

const peer = (fields: Partial<PeerSnapshot> = {}): PeerSnapshot =>
  ({ admin: 'up', healthy: true, failed: false, ...fields }) as PeerSnapshot;

describe("one backend's state machine", () => {
  test('starting until ready; then the balancer peer decides', () => {
    const m = new BackendMachine();
    m.apply({ type: 'created', container: 'lab-backend1' });
    expect(m.state(peer())).toBe('starting');
    m.apply({ type: 'ready', container: 'lab-backend1' });
    expect(m.state(peer())).toBe('up');
    expect(m.state(peer({ admin: 'drain' }))).toBe('draining');
    expect(m.state(peer({ admin: 'maintenance' }))).toBe('maintenance');
    expect(m.state(peer({ healthy: false }))).toBe('unhealthy');
    expect(m.state(peer({ failed: true }))).toBe('failed');
    expect(m.state(undefined)).toBe('starting');
  });

  test('a death is named by what was asked: stop, kill, or nothing (exited, or killed by 137)', () => {
    const m = new BackendMachine();
    m.apply({ type: 'ready', container: 'c' });
    m.apply({ type: 'requested', action: 'stop' });
    m.apply({ type: 'down', container: 'c', reason: 'exited', exitCode: 0 });
    expect(m.state(peer())).toBe('stopped');
    // Back in service: the stop asked for earlier no longer names the next death.
    m.apply({ type: 'ready', container: 'c' });
    m.apply({ type: 'down', container: 'c', reason: 'exited', exitCode: 1 });
    expect(m.state(peer())).toBe('exited');
    m.apply({ type: 'ready', container: 'c' });
    m.apply({ type: 'down', container: 'c', reason: 'exited', exitCode: 137 });
    expect(m.state(peer())).toBe('killed');
    m.apply({ type: 'ready', container: 'c' });
    m.apply({ type: 'down', container: 'c', reason: 'paused' });
    expect(m.state(peer())).toBe('paused');
    m.apply({ type: 'down', container: 'c', reason: 'disconnected' });
    expect(m.state(peer())).toBe('disconnected');
  });

  test('backendN order: by number, other names after', () => {
    expect(['backend10', 'web', 'backend2', 'backend1'].sort(byBackendOrder)).toEqual([
      'backend1',
      'backend2',
      'backend10',
      'web',
    ]);
  });
});
