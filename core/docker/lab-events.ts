import type { RuntimeEvents } from '../lab/runtime';
import type { ContainerEvent } from './events';

export type { DownReason, ReplicaRef } from '../lab/runtime';

/** Everything the Docker lab reports: the runtime's events, and the engine's own. */
export interface LabEvents extends RuntimeEvents {
  /** The engine's own event (die, start, kill, pause, network disconnect, ...), as it happened. */
  container: ContainerEvent;
}
