import type { LogEntry } from '../logs/entry';
import type { ContextChange } from '../prepare/prepare-build';
import type { ContainerEvent } from './events';

/** Which replica an event is about. */
export interface ReplicaRef {
  /** `backend2`: the name the balancer and the seed's nginx.conf use. */
  name: string;
  /** `<lab>-backend2` */
  container: string;
  id: string;
}

/** `removed`: its container was removed by someone else (`docker rm -f`); Restore recreates it. */
export type DownReason = 'exited' | 'paused' | 'disconnected' | 'removed';

/** Everything a lab reports, one line per event. */
export interface LabEvents {
  'build:step': { index: number; total: number; instruction: string };
  'build:log': { line: string; step?: number };
  'build:done': { imageId: string; tag: string; steps: number; cachedSteps: number; durationMs: number };
  'build:failed': {
    message: string;
    step?: { index: number; total: number; instruction: string };
    cancelled: boolean;
  };
  /** What the build context sent differs in from the project on disk, and why (shown once). */
  'build:adapted': {
    changes: ContextChange[];
    warnings: string[];
    substitutes: Array<{ image: string; title: string }>;
  };
  /** A lab service (the project's database, ...) is being created; `substitute` names an offline stand-in. */
  'service:starting': { name: string; container: string; image: string; substitute?: string };
  /** Healthy, or listening on its port. */
  'service:ready': { name: string; container: string; host?: string; port?: number };
  'migrate:start': { command: string; where: string };
  'migrate:log': { line: string };
  'migrate:done': { durationMs: number };
  'migrate:failed': { message: string };
  'replica:created': ReplicaRef;
  /** A leftover of an earlier run, running the right image, taken over instead of recreated. */
  'replica:adopted': ReplicaRef;
  /** Answered its readiness probe on the published port (re-read after every start). */
  'replica:ready': ReplicaRef & { host: string; port: number };
  /** It stopped answering: it exited, was paused, or left the lab network. */
  'replica:down': ReplicaRef & { reason: DownReason; exitCode?: number };
  /** Sent before a replica is removed (scale down, down), so the balancer can drain it. */
  'replica:removing': ReplicaRef & { host: string; port?: number };
  'replica:removed': ReplicaRef;
  /** The engine's own event (die, start, kill, pause, network disconnect, ...), as it happened. */
  container: ContainerEvent;
  log: LogEntry;
  /** Something went wrong in the background (a probe, a log or event stream); the lab goes on. */
  warning: { message: string };
}
