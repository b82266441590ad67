import type Docker from 'dockerode';
import type { Emitter } from '../events/emitter';
import type { ContainerEvent } from './events';
import type { LabContainer } from './guard';
import { backendName } from './labels';
import type { DownReason, LabEvents, ReplicaRef } from './lab-events';
import type { ReplicaInfo } from './lab-status';
import type { ContainerLogs } from './logs';
import { waitReady, type ReadyRule } from '../lab/readiness';
import { inspectReplica, PUBLISH_HOST } from './replicas';

export type ProbeOutcome = { ready: true } | { ready: false; error?: string };

export interface Replica {
  index: number;
  name: string;
  container: string;
  id: string;
  state: string;
  connected: boolean;
  port: number | undefined;
  ready: boolean;
  /** The image it was created from. */
  imageId: string;
  /** Being removed on purpose: no `replica:down`, no log resumption. */
  removing: boolean;
  probe?: { port: number; controller: AbortController; outcome: Promise<ProbeOutcome> };
  /** Set while a traceback printed during start-up is being read to its end. */
  traceback?: NodeJS.Timeout;
  /** Why this start cannot succeed (it exited), until the container starts again. */
  startFailure?: string;
  /** A traceback it printed while starting: it fails unless it answers by `deadline`. */
  tracebackFailure?: { message: string; deadline: number; timer?: NodeJS.Timeout };
}

export interface ReplicaSetOptions {
  docker: Docker;
  network: string;
  events: Emitter<LabEvents>;
  logs: ContainerLogs;
  probe: { path: string; rule: ReadyRule; intervalMs: number; initialDelayMs?: number; timeoutMs: number };
  /**
   * Awaited before a started replica is probed: the migrations it must not serve without (shared
   * for all, or run inside it). Called again for the same container; the caller memoizes.
   */
  beforeProbe?: (replica: Replica) => Promise<void>;
  /** The newest lines a replica printed, for the message when it fails to start. */
  lastLines: (name: string, count: number) => string[];
  warn: (message: string) => void;
}

/** How long to keep reading after a traceback starts, so the message has its last line (the error). */
const TRACEBACK_GRACE_MS = 400;
/**
 * How long a replica that printed a traceback still has to answer: an entrypoint script may go
 * on after a failed step (a collectstatic) and serve all the same.
 */
const TRACEBACK_DEADLINE_MS = 2000;
/** How long the last lines of a replica that exited may take to arrive. */
const EXIT_GRACE_MS = 250;

/**
 * What a lab knows about its replicas, kept current by the engine's events: the published port
 * (re-read after every start, unpause and reconnect), readiness (one HTTP probe at a time per
 * replica), and log following (resumed after each start).
 */
export class ReplicaSet {
  readonly #byIndex = new Map<number, Replica>();

  constructor(private readonly o: ReplicaSetOptions) {}

  get all(): Replica[] {
    return [...this.#byIndex.values()].sort((a, b) => a.index - b.index);
  }

  has(index: number): boolean {
    return this.#byIndex.has(index);
  }

  byId(id: string): Replica | undefined {
    return this.all.find((replica) => replica.id === id);
  }

  /** Starts knowing a freshly created container. */
  add(index: number, id: string, container: string, imageId: string): Replica {
    return this.#put({ index, name: backendName(index), container, id, state: 'created', imageId });
  }

  /** The known replica for a labelled container, or a new entry for it. */
  track(c: LabContainer): Replica {
    const known = this.#byIndex.get(c.index);
    if (known && known.id === c.id) return known;
    if (known) this.#cancelProbe(known);
    return this.#put({
      index: c.index,
      name: c.name || backendName(c.index),
      container: c.container,
      id: c.id,
      state: c.state,
      imageId: c.imageId,
    });
  }

  forget(replica: Replica): void {
    this.#cancelProbe(replica);
    clearTimeout(replica.traceback);
    clearTimeout(replica.tracebackFailure?.timer);
    this.o.logs.forget(replica.id);
    if (this.#byIndex.get(replica.index) === replica) this.#byIndex.delete(replica.index);
  }

  /** Forgets replicas whose containers are gone. */
  keepOnly(ids: Set<string>): void {
    for (const replica of this.all) if (!ids.has(replica.id)) this.forget(replica);
  }

  clear(): void {
    for (const replica of this.all) this.forget(replica);
  }

  stopProbes(): void {
    for (const replica of this.all) this.#cancelProbe(replica);
  }

  info(replica: Replica): ReplicaInfo {
    const { name, index, container, id, state, connected, port, ready, imageId } = replica;
    return { name, index, container, id, state, connected, host: PUBLISH_HOST, port, ready, imageId };
  }

  /** Re-reads state and the published port; probes readiness when the replica can serve. */
  async refresh(replica: Replica): Promise<ProbeOutcome> {
    let snapshot;
    try {
      snapshot = await inspectReplica(this.o.docker, replica.id, this.o.network);
    } catch (error) {
      return { ready: false, error: (error as Error).message };
    }
    replica.state = snapshot.state;
    replica.connected = snapshot.connected;
    replica.port = snapshot.port;
    if (!snapshot.running && snapshot.state === 'exited' && !replica.ready) {
      // It may have exited before its log was ever followed: read what it printed first.
      if (!this.o.logs.isFollowing(replica.id) && this.o.lastLines(replica.name, 1).length === 0)
        await this.#followLogs(replica);
      await this.o.logs.drained(replica.id);
      return {
        ready: false,
        error: `exited with code ${snapshot.exitCode} while starting${this.#lines(replica)}`,
      };
    }
    if (!snapshot.running || snapshot.paused || !snapshot.connected || snapshot.port === undefined) {
      return { ready: false, error: `${snapshot.state}${snapshot.connected ? '' : ', disconnected'}` };
    }
    if (!this.o.logs.isFollowing(replica.id)) void this.#followLogs(replica);
    if (this.o.beforeProbe && !replica.probe) {
      try {
        await this.o.beforeProbe(replica);
      } catch (error) {
        return { ready: false, error: (error as Error).message };
      }
    }
    return this.#probe(replica, snapshot.port, snapshot.health !== undefined);
  }

  /** Follows a replica just seen running (no second inspect: containers are starting around it). */
  async #followLogs(replica: Replica): Promise<void> {
    try {
      await this.o.logs.follow(replica.id, replica.name);
    } catch (error) {
      // 404: gone; 409: being removed.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) this.o.warn(`${replica.name} logs: ${(error as Error).message}`);
    }
  }

  /** Follows the replica's log again (from where it stopped) if it is running. */
  async resumeLogs(id: string): Promise<void> {
    const replica = this.byId(id);
    if (!replica || replica.removing) return;
    try {
      const snapshot = await inspectReplica(this.o.docker, id, this.o.network);
      if (snapshot.running) await this.o.logs.follow(id, replica.name);
    } catch (error) {
      // 404: gone; 409: being removed.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) this.o.warn(`${replica.name} logs: ${(error as Error).message}`);
    }
  }

  /**
   * Fills in the replica's names on a network event (those carry only the container ID);
   * undefined for a network event about a container that is not one of ours.
   */
  describe(event: ContainerEvent): ContainerEvent | undefined {
    if (event.action !== 'connect' && event.action !== 'disconnect') return event;
    const replica = this.byId(event.id);
    return replica ? { ...event, name: replica.name, container: replica.container } : undefined;
  }

  /** Updates the replica an engine event is about: readiness, port, logs. */
  apply(event: ContainerEvent): void {
    const replica = this.byId(event.id);
    if (!replica) return;
    switch (event.action) {
      case 'start':
        // A new start: what failed the last one is history. The refresh re-reads the port,
        // follows the log and probes readiness.
        replica.startFailure = undefined;
        clearTimeout(replica.traceback);
        clearTimeout(replica.tracebackFailure?.timer);
        replica.traceback = undefined;
        replica.tracebackFailure = undefined;
        void this.refresh(replica);
        break;
      case 'unpause':
      case 'connect':
        void this.refresh(replica);
        break;
      case 'die':
        replica.state = 'exited';
        this.#down(replica, 'exited', event.exitCode);
        break;
      case 'pause':
        replica.state = 'paused';
        this.#down(replica, 'paused');
        break;
      case 'disconnect':
        // Docker also reports a disconnect when a container stops; the inspect tells them apart.
        this.#down(replica, 'disconnected');
        void this.refresh(replica);
        break;
      case 'destroy':
        this.forget(replica);
        // Not by us (`docker rm -f`): it is gone, not merely killed.
        if (!replica.removing) this.o.events.emit('replica:down', { ...ref(replica), reason: 'removed' });
        break;
      default:
        break;
    }
  }

  /** Marks a replica as going away on purpose, so its stop is not reported as a failure. */
  markRemoving(replica: Replica): void {
    replica.removing = true;
    replica.ready = false;
    this.#cancelProbe(replica);
  }

  #put(fields: Pick<Replica, 'index' | 'name' | 'container' | 'id' | 'state' | 'imageId'>): Replica {
    const replica: Replica = { ...fields, connected: true, port: undefined, ready: false, removing: false };
    this.#byIndex.set(replica.index, replica);
    return replica;
  }

  /** Reports the first of the events that take a replica down (die is followed by disconnect). */
  #down(replica: Replica, reason: DownReason, exitCode?: number): void {
    const wasUp = replica.ready || replica.probe !== undefined;
    if (!replica.ready && !replica.removing && reason === 'exited') {
      // Its last lines may still be on their way from the log stream: read them, then fail.
      const probe = replica.probe;
      replica.probe = undefined;
      // The log stream ends with the container: wait for its last lines (at most 2 s), then fail.
      setTimeout(() => {
        void this.o.logs.drained(replica.id).then(() => {
          replica.startFailure = `exited with code ${exitCode ?? '?'} while starting${this.#lines(replica)}`;
          probe?.controller.abort(new Error(replica.startFailure));
        });
      }, EXIT_GRACE_MS);
    }
    this.#cancelProbe(replica);
    replica.ready = false;
    if (replica.removing || !wasUp) return;
    this.o.events.emit('replica:down', {
      ...ref(replica),
      reason,
      ...(exitCode !== undefined ? { exitCode } : {}),
    });
  }

  #cancelProbe(replica: Replica): void {
    replica.probe?.controller.abort();
    replica.probe = undefined;
  }

  /** A starting replica that cannot become ready: its probe ends now, with this message. */
  failStart(id: string, message: string): void {
    const replica = this.byId(id);
    if (!replica?.probe || replica.ready) return;
    replica.probe.controller.abort(new Error(message));
  }

  /**
   * A line a replica printed. While it starts, a Python traceback means it will not serve (Django's
   * autoreloader keeps the process alive after a broken import), so it fails now instead of at
   * the readiness timeout.
   */
  onLogLine(id: string, line: string): void {
    const replica = this.byId(id);
    if (!replica || replica.ready || replica.removing || replica.traceback || replica.tracebackFailure)
      return;
    if (!/^Traceback \(most recent call last\):/.test(line)) return;
    const deadline = Date.now() + TRACEBACK_DEADLINE_MS;
    replica.traceback = setTimeout(() => {
      replica.traceback = undefined;
      const lines = this.o.lastLines(replica.name, 40);
      const request = lines.some((l) => /Internal Server Error: /.test(l));
      const what = request
        ? `answered ${this.o.probe.path} with a 500 (a traceback in its log); if that page needs something the probe does not send, give another path with --ready-path`
        : 'printed a Python traceback while starting and did not answer after it';
      replica.tracebackFailure = { message: `${what}${this.#lines(replica, 12)}`, deadline };
      this.#armTraceback(replica);
    }, TRACEBACK_GRACE_MS);
  }

  /**
   * Fails the running probe at the traceback's deadline, unless the replica is ready by then. A
   * traceback printed before probing began (while the migrations ran) leaves the probe its own
   * full delay: the process may well have recovered meanwhile.
   */
  #armTraceback(replica: Replica, probeStarting = false): void {
    const failure = replica.tracebackFailure;
    if (!failure || !replica.probe || failure.timer) return;
    const left = failure.deadline - Date.now();
    failure.timer = setTimeout(
      () => this.failStart(replica.id, failure.message),
      Math.max(0, probeStarting ? Math.max(left, TRACEBACK_DEADLINE_MS) : left),
    );
  }

  #lines(replica: Replica, count = 10): string {
    const lines = this.o.lastLines(replica.name, count);
    return lines.length
      ? `; its last lines:\n${lines.map((l) => `    ${l}`).join('\n')}`
      : ' (it printed nothing)';
  }

  /** One probe per replica and port: a second caller shares the first one's outcome. */
  #probe(replica: Replica, port: number, healthchecked: boolean): Promise<ProbeOutcome> {
    if (replica.probe && replica.probe.port === port) return replica.probe.outcome;
    if (replica.startFailure) return Promise.resolve({ ready: false, error: replica.startFailure });
    this.#cancelProbe(replica);
    replica.ready = false;
    const controller = new AbortController();
    const { signal } = controller;
    const attempt = healthchecked
      ? this.#waitHealthy(replica, signal)
      : waitReady({ host: PUBLISH_HOST, port, ...this.o.probe, signal });
    const outcome = attempt.then(
      (ready): ProbeOutcome => {
        if (!ready || signal.aborted) return failed(signal);
        replica.ready = true;
        this.o.events.emit('replica:ready', {
          ...ref(replica),
          host: PUBLISH_HOST,
          port,
          imageId: replica.imageId,
        });
        return { ready: true };
      },
      (error: Error): ProbeOutcome => {
        if (!signal.aborted) this.o.warn(`${replica.name}: ${error.message}`);
        return { ready: false, error: error.message };
      },
    );
    replica.probe = { port, controller, outcome };
    this.#armTraceback(replica, true);
    return outcome;
  }

  /** The container's own healthcheck (compose `healthcheck:`) says healthy. */
  async #waitHealthy(replica: Replica, signal: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + this.o.probe.timeoutMs;
    while (!signal.aborted) {
      const snapshot = await inspectReplica(this.o.docker, replica.id, this.o.network);
      if (snapshot.health === 'healthy') return true;
      if (snapshot.health === 'unhealthy')
        throw new Error(`its healthcheck failed${snapshot.healthLog ? `: ${snapshot.healthLog}` : ''}`);
      if (Date.now() > deadline)
        throw new Error(
          `not healthy after ${Math.round(this.o.probe.timeoutMs / 1000)} s (health: ${snapshot.health})`,
        );
      await new Promise((resolve) => setTimeout(resolve, Math.max(this.o.probe.intervalMs, 100)));
    }
    return false;
  }
}

/** A probe that ended without success: why, when someone said. */
function failed(signal: AbortSignal): ProbeOutcome {
  const reason = signal.reason as unknown;
  return reason instanceof Error && reason.name !== 'AbortError'
    ? { ready: false, error: reason.message }
    : { ready: false };
}

export const ref = (r: { name: string; container: string; id: string }): ReplicaRef => ({
  name: r.name,
  container: r.container,
  id: r.id,
});
