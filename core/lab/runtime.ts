import type { Lab } from '../docker/lab';

/**
 * Where a lab's replicas run. The Docker lab is the real one; the demo runtime (built-in
 * backends in this process) has the same shape, so everything above it works with either.
 */
export type Runtime = Pick<
  Lab,
  | 'events'
  | 'logs'
  | 'name'
  | 'build'
  | 'up'
  | 'scale'
  | 'down'
  | 'status'
  | 'close'
  | 'kill'
  | 'stop'
  | 'pause'
  | 'unpause'
  | 'restart'
  | 'disconnect'
  | 'connect'
  | 'restore'
  | 'adopt'
>;

export type RuntimeKind = 'docker' | 'demo';
