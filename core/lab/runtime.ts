import type { ContainerFacts, ContainerSeries, TerminalSize } from '../api/contract';
import type { EventSource } from '../events/emitter';
import type { LogEntry } from '../logs/entry';
import type { RingBuffer } from '../logs/ring';
import type { ContextChange } from '../prepare/prepare-build';

/**
 * Where a lab's replicas run, as everything above it sees them. The Docker lab is the real one;
 * the demo runtime (built-in backends in this process) is the other. Both implement this
 * interface; neither knows the other.
 */
export interface Runtime {
  readonly events: EventSource<RuntimeEvents>;
  readonly logs: RingBuffer<LogEntry>;
  readonly name: string;
  build(options?: { signal?: AbortSignal; noCache?: boolean }): Promise<BuiltImage>;
  /** Starts what the replicas need, then the replicas; resolves when each is ready. */
  up(): Promise<LabStatus>;
  scale(replicas: number): Promise<LabStatus>;
  down(options?: { volumes?: boolean }): Promise<void>;
  status(): Promise<LabStatus>;
  /** Takes the replicas that are already running up again (after the engine came back). */
  adopt(): Promise<LabStatus>;
  close(): void;
  kill(target: string): Promise<FaultOutcome>;
  stop(target: string): Promise<FaultOutcome>;
  pause(target: string): Promise<FaultOutcome>;
  unpause(target: string): Promise<FaultOutcome>;
  restart(target: string): Promise<FaultOutcome>;
  disconnect(target: string): Promise<FaultOutcome>;
  connect(target: string): Promise<FaultOutcome>;
  /** Undoes whatever fault `target` is in (and recreates it if it is gone). */
  restore(target: string): Promise<{ steps: RestoreStep[]; replica: ReplicaInfo }>;
  /**
   * A rolling update to the image built last, start-first and one replica at a time: the new
   * replica is started beside the old one and waited for until ready (it then takes the name's
   * traffic), the old one is drained (`drain` resolves when nothing is on it) and removed. A new
   * replica that is not ready stops the rollout: it is removed and the old one goes on serving.
   */
  rollout(options: RolloutOptions): Promise<LabStatus>;
  /**
   * A canary: `count` replicas of the image built last, numbered after the others, which keep
   * running the version they run (a scale or a restore meanwhile uses theirs, not the canary's).
   */
  startCanary(count: number): Promise<LabStatus>;
  /**
   * Ends the canary. `promote`: the other replicas roll over to its image, then its own replicas
   * are drained and removed; `rollback`: its replicas are drained and removed (and any replica
   * already on its image rolled back).
   */
  endCanary(outcome: 'promote' | 'rollback', options: RolloutOptions): Promise<LabStatus>;
  /**
   * Compose Watch's `sync`: `files` (relative to `dir`, the project) copied into replica `target`
   * where the image has the project (its working directory: `COPY . .`), through the engine's
   * archive API, or into `into` (a develop.watch target). Files that no longer exist are left as they are.
   */
  copyInto(target: string, dir: string, files: string[], into?: string | null): Promise<void>;
  /** A shell in replica `target` with a TTY (`docker exec -it`); refused where there is no container. */
  openTerminal(target: string): Promise<ReplicaTerminal>;
  /** The replicas' containers as the engine reports them; null where there are none (the demo backends). */
  readonly containers: ReplicaContainers | null;
}

/** Each replica's container: its image and IDs, and its last minute of CPU and memory. */
export interface ReplicaContainers {
  facts(name: string): ContainerFacts | null;
  series(): Record<string, ContainerSeries>;
}

/**
 * A shell running in a replica's container, its input and output raw bytes through a TTY. Its
 * output waits for the first `resume()`: subscribe, size it, then resume.
 */
export interface ReplicaTerminal {
  /** `/bin/bash`, or `/bin/sh` where there is no bash. */
  readonly shell: string;
  /** The container's ID. */
  readonly container: string;
  readonly events: EventSource<ReplicaTerminalEvents>;
  write(data: Buffer): void;
  resize(size: TerminalSize): Promise<void>;
  /** Stops reading the shell's output until `resume` (whoever reads it is behind). */
  pause(): void;
  resume(): void;
  /** Ends the shell and whatever it started; resolves once they are gone. Never throws. */
  close(): Promise<void>;
}

export interface ReplicaTerminalEvents {
  output: Buffer;
  /** The shell ended (it exited, its container stopped) or its stream broke; `code` when known. Once. */
  exit: { code: number | null; message: string };
}

export interface RolloutOptions {
  /** Resolves once no request is on the replaced replica's address (its requests finished). */
  drain(old: { name: string; host: string; port: number }): Promise<void>;
  /** Takes `old` out of rotation, then resolves as `drain` does: before a stop-first replacement. */
  takeOut(old: { name: string; host: string; port: number }): Promise<void>;
  /** Replicas started beside the old ones at a time (start-first); default 1. */
  maxSurge?: number;
  /** Replicas out of rotation at a time (stop-first: drained, removed, then started anew); default 0. */
  maxUnavailable?: number;
}

/** How many replicas a rollout replaces at once, and how: the first `surge` of each wave start-first. */
export function rolloutWaves(options: Pick<RolloutOptions, 'maxSurge' | 'maxUnavailable'>): {
  size: number;
  surge: number;
} {
  const surge = options.maxSurge ?? 1;
  const unavailable = options.maxUnavailable ?? 0;
  return { size: Math.max(1, surge + unavailable), surge };
}

export type RuntimeKind = 'docker' | 'demo';

export interface BuiltImage {
  imageId: string;
  tag: string;
  durationMs: number;
}

export interface FaultOutcome {
  changed: boolean;
  replica: string;
}

/** What restore() did, in order; `recreate`: the container was removed behind the lab's back and is made again. */
export type RestoreStep = 'unpause' | 'connect' | 'start' | 'recreate';

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

/** Everything a runtime reports, one line per event. */
export interface RuntimeEvents {
  'build:step': { index: number; total: number; instruction: string };
  'build:log': { line: string; step?: number };
  'build:done': {
    imageId: string;
    tag: string;
    steps: number;
    cachedSteps: number;
    durationMs: number;
    /** The images its FROM lines ran on, as built (a mirror's or an offline substitute's name). */
    baseImages: string[];
    /** What was built, when it was not a Docker build (the demo backends). */
    note?: string;
  };
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
  'replica:ready': ReplicaRef & { host: string; port: number; imageId: string };
  /** It stopped answering: it exited, was paused, or left the lab network. */
  'replica:down': ReplicaRef & { reason: DownReason; exitCode?: number };
  /** Sent before a replica is removed (scale down, down), so the balancer can drain it. */
  'replica:removing': ReplicaRef & { host: string; port?: number };
  'replica:removed': ReplicaRef;
  /** A rollout starts the new version of `name` beside the old one (`image`: the new image's ID). */
  'replica:replacing': ReplicaRef & { image: string };
  /** The old version of `name` was drained and removed; the new one serves. */
  'replica:replaced': ReplicaRef & { image: string };
  log: LogEntry;
  /** Something went wrong in the background (a probe, a log or event stream); the lab goes on. */
  warning: { message: string };
}

/** A replica as `status()` reports it. */
export interface ReplicaInfo {
  /** `backend2` */
  name: string;
  index: number;
  /** `<lab>-backend2` */
  container: string;
  id: string;
  /** Docker's state: created, running, paused, restarting, exited, dead. */
  state: string;
  /** On the lab network. */
  connected: boolean;
  host: string;
  /** The published port right now; undefined while stopped or disconnected. */
  port: number | undefined;
  /** Answered the readiness probe since it last (re)started, unpaused or reconnected. */
  ready: boolean;
  /** The image it runs (its version). */
  imageId: string;
}

export interface LabStatus {
  lab: string;
  image: string;
  imageId: string | undefined;
  network: string;
  /** The replica count asked for (by createLab or the last scale). */
  desired: number;
  replicas: ReplicaInfo[];
  /** A canary beside the replicas: its image and replicas' names. */
  canary: { imageId: string; replicas: string[] } | null;
}
