import type Docker from 'dockerode';
import type { LogEntry } from '../logs/entry';
import { RingBuffer } from '../logs/ring';
import { buildImage, BuildError } from './build';
import type { BuildResult } from './build';
import { Emitter } from './emitter';
import { EventFollower } from './events';
import type { ContainerEvent } from './events';
import { applyFault, restoreReplica } from './faults';
import type { Fault, RestoreStep } from './faults';
import { listLabContainers, resolveLabContainer } from './guard';
import type { LabContainer } from './guard';
import { backendName, containerName, defaultImageTag, LABEL_LAB, networkName } from './labels';
import type { DownReason, LabEvents, ReplicaRef } from './lab-events';
import { parseLabSettings, replicaCount } from './lab-options';
import type { LabOptions, LabSettings } from './lab-options';
import type { LabStatus, ReplicaInfo } from './lab-status';
import { ContainerLogs } from './logs';
import { buildArgsFor } from './mirrors';
import { ensureLabNetwork, removeLabNetworks } from './network';
import { waitReady } from './readiness';
import { createReplica, inspectReplica, PUBLISH_HOST, removeReplica } from './replicas';

type ProbeOutcome = { ready: true } | { ready: false; error?: string };

interface Replica {
  index: number;
  name: string;
  container: string;
  id: string;
  state: string;
  connected: boolean;
  port: number | undefined;
  ready: boolean;
  removing: boolean;
  probe?: { port: number; controller: AbortController; outcome: Promise<ProbeOutcome> };
}

export function createLab(options: LabOptions): Lab {
  return new Lab(options);
}

/**
 * One lab: the project's image and its replicas `<lab>-backend1..N` on `<lab>-net`. It changes
 * only containers and networks labelled `upstream-lab.lab=<lab>`, resolved by label before every
 * change. State comes from the engine's event stream; readiness from GET /health on each
 * replica's published port, read again after every start.
 */
export class Lab {
  readonly events = new Emitter<LabEvents>();
  /** The combined log: build output and every replica's stdout/stderr. */
  readonly logs: RingBuffer<LogEntry>;
  readonly name: string;
  readonly network: string;
  readonly image: string;

  readonly #docker: Docker;
  readonly #settings: LabSettings;
  readonly #beforeRemove: LabOptions['beforeRemove'];
  readonly #replicas = new Map<number, Replica>();
  readonly #containerLogs: ContainerLogs;
  #desired: number;
  #imageId: string | undefined;
  #follower: EventFollower | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LabOptions) {
    this.#settings = parseLabSettings(options);
    this.#docker = options.docker;
    this.#beforeRemove = options.beforeRemove;
    this.name = this.#settings.lab;
    this.network = networkName(this.name);
    this.image = this.#settings.image ?? defaultImageTag(this.name);
    this.#desired = this.#settings.replicas;
    this.logs = new RingBuffer<LogEntry>(this.#settings.logCapacity);
    this.#containerLogs = new ContainerLogs(this.#docker, {
      tail: this.#settings.logTail,
      onLine: ({ id: _id, ...entry }) => this.#log(entry),
      onEnd: (id) => void this.#resumeLogs(id),
    });
  }

  /** Builds the project's image with the mirror settings as build arguments. */
  build(options: { signal?: AbortSignal; noCache?: boolean } = {}): Promise<BuildResult> {
    const s = this.#settings;
    const buildArgs = {
      ...buildArgsFor({
        ...(s.baseImage ? { baseImage: s.baseImage } : {}),
        ...(s.registryMirror ? { registryMirror: s.registryMirror } : {}),
        ...(s.pipIndex ? { pipIndex: s.pipIndex } : {}),
        ...(s.offline ? { offline: s.offline } : {}),
      }),
      ...s.buildArgs,
    };
    return this.#serial(async () => {
      try {
        const result = await buildImage(this.#docker, {
          context: s.project,
          tag: this.image,
          ...(s.dockerfile ? { dockerfile: s.dockerfile } : {}),
          buildArgs,
          labels: { [LABEL_LAB]: this.name },
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.noCache ? { noCache: true } : {}),
          onUpdate: (update) => {
            if (update.kind === 'step') {
              const { index, total, instruction } = update.step;
              this.events.emit('build:step', { index, total, instruction });
            } else if (update.kind === 'log') {
              this.#log({
                source: 'build',
                stream: 'stdout',
                time: new Date().toISOString(),
                line: update.line,
              });
              this.events.emit('build:log', {
                line: update.line,
                ...(update.step ? { step: update.step } : {}),
              });
            }
          },
        });
        this.#imageId = result.imageId;
        this.events.emit('build:done', {
          imageId: result.imageId,
          tag: result.tag,
          steps: result.steps.length,
          cachedSteps: result.steps.filter((step) => step.cached).length,
          durationMs: result.durationMs,
        });
        return result;
      } catch (error) {
        const step = error instanceof BuildError ? error.step : undefined;
        this.events.emit('build:failed', {
          message: (error as Error).message,
          ...(step ? { step: { index: step.index, total: step.total, instruction: step.instruction } } : {}),
          cancelled: error instanceof BuildError && error.cancelled,
        });
        throw error;
      }
    });
  }

  /**
   * Starts the replicas and waits until each answers its readiness probe. Leftovers of this lab
   * from an earlier run are adopted when running the current image, otherwise removed.
   */
  up(): Promise<LabStatus> {
    return this.#serial(async () => {
      const imageId = await this.#resolveImage();
      await ensureLabNetwork(this.#docker, this.name);
      await this.#startEvents();
      for (const c of await listLabContainers(this.#docker, this.name)) {
        const adoptable =
          c.index >= 1 &&
          c.index <= this.#desired &&
          c.imageId === imageId &&
          c.state === 'running' &&
          c.container === containerName(this.name, c.index) &&
          (await inspectReplica(this.#docker, c.id, this.network)).connected;
        if (adoptable) {
          const replica = this.#track(c);
          this.events.emit('replica:adopted', ref(replica));
        } else {
          await this.#remove(c, undefined);
        }
      }
      await this.#converge(imageId);
      return this.status();
    });
  }

  /** Adds replicas (the lowest free numbers) or removes the highest-numbered ones, while running. */
  scale(replicas: number): Promise<LabStatus> {
    const count = replicaCount.parse(replicas);
    return this.#serial(async () => {
      this.#desired = count;
      const imageId = await this.#resolveImage();
      await ensureLabNetwork(this.#docker, this.name);
      await this.#startEvents();
      const existing = await listLabContainers(this.#docker, this.name);
      for (const c of existing) if (!this.#replicas.has(c.index)) this.#track(c);
      const victims = existing
        .filter((c) => c.index >= 1)
        .sort((a, b) => b.index - a.index)
        .slice(0, Math.max(0, existing.length - count));
      await Promise.all(victims.map((victim) => this.#remove(victim, this.#settings.stopTimeoutSec)));
      await this.#converge(imageId);
      return this.status();
    });
  }

  /** SIGKILL at once. */
  kill(target: string) {
    return this.#fault(target, 'kill');
  }
  /** SIGTERM, then SIGKILL after the grace period: in-flight requests finish first. */
  stop(target: string) {
    return this.#fault(target, 'stop');
  }
  pause(target: string) {
    return this.#fault(target, 'pause');
  }
  unpause(target: string) {
    return this.#fault(target, 'unpause');
  }
  restart(target: string) {
    return this.#fault(target, 'restart');
  }
  /** Leaves the lab network: the published port goes away while the app keeps running. */
  disconnect(target: string) {
    return this.#fault(target, 'disconnect');
  }
  connect(target: string) {
    return this.#fault(target, 'connect');
  }

  /** Undoes any fault (unpause, reconnect, start) and waits until the replica is ready again. */
  async restore(target: string): Promise<{ steps: RestoreStep[]; replica: ReplicaInfo }> {
    const c = await resolveLabContainer(this.#docker, this.name, target);
    const steps = await restoreReplica(this.#docker, c, {
      network: this.network,
      stopTimeoutSec: this.#settings.stopTimeoutSec,
    });
    const replica = this.#track(c);
    const outcome = await this.#refresh(replica);
    if (!outcome.ready)
      throw new Error(
        `${replica.name} was restored (${steps.join(', ') || 'nothing to undo'}) but is not ready: ${outcome.error ?? 'cancelled'}`,
      );
    return { steps, replica: this.#info(replica) };
  }

  /** Removes every container and network of the lab. Safe to call again. */
  down(): Promise<void> {
    return this.#serial(async () => {
      this.#stopFollowing();
      for (const c of await listLabContainers(this.#docker, this.name)) await this.#remove(c, undefined);
      this.#replicas.clear();
      await removeLabNetworks(this.#docker, this.name);
    });
  }

  async status(): Promise<LabStatus> {
    const replicas: ReplicaInfo[] = [];
    for (const c of await listLabContainers(this.#docker, this.name)) {
      const replica = this.#track(c);
      try {
        const snapshot = await inspectReplica(this.#docker, c.id, this.network);
        replica.state = snapshot.state;
        replica.connected = snapshot.connected;
        replica.port = snapshot.port;
      } catch {
        continue;
      }
      replicas.push(this.#info(replica));
    }
    return {
      lab: this.name,
      image: this.image,
      imageId: this.#imageId,
      network: this.network,
      desired: this.#desired,
      replicas,
    };
  }

  /**
   * Takes the lab's containers over as they are (after the engine came back, or in a new
   * process): follows events and logs again, re-reads ports and probes the running replicas.
   * Removes and creates nothing.
   */
  adopt(): Promise<LabStatus> {
    return this.#serial(async () => {
      this.#stopFollowing();
      await this.#startEvents();
      const present = await listLabContainers(this.#docker, this.name);
      for (const [index, replica] of this.#replicas) {
        if (!present.some((c) => c.id === replica.id)) this.#replicas.delete(index);
      }
      for (const c of present) {
        const replica = this.#track(c);
        void this.#refresh(replica);
      }
      return this.status();
    });
  }

  /** Stops following events, logs and probes; leaves the containers running. */
  close(): void {
    this.#stopFollowing();
  }

  // --- internals -----------------------------------------------------------------------------

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #resolveImage(): Promise<string> {
    try {
      const info = await this.#docker.getImage(this.image).inspect();
      this.#imageId = info.Id;
      return info.Id;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) {
        throw new Error(`The image ${this.image} does not exist yet: build the lab first.`, { cause: error });
      }
      throw error;
    }
  }

  /** Creates and starts the missing replicas up to the desired count, then waits for all to be ready. */
  async #converge(imageId: string): Promise<void> {
    const taken = new Set([...this.#replicas.values()].filter((r) => !r.removing).map((r) => r.index));
    const created = new Set<number>();
    for (let index = 1; taken.size < this.#desired; index++) {
      if (taken.has(index)) continue;
      const container = await createReplica(this.#docker, {
        lab: this.name,
        index,
        image: imageId,
        network: this.network,
        ...(this.#settings.env ? { env: this.#settings.env } : {}),
      });
      const replica: Replica = {
        index,
        name: backendName(index),
        container: containerName(this.name, index),
        id: container.id,
        state: 'created',
        connected: true,
        port: undefined,
        ready: false,
        removing: false,
      };
      this.#replicas.set(index, replica);
      taken.add(index);
      created.add(index);
      this.events.emit('replica:created', ref(replica));
      await container.start();
    }
    // Replicas left stopped, paused or disconnected on purpose (faults) are not waited for.
    const serving = [...this.#replicas.values()].filter(
      (r) => !r.removing && (created.has(r.index) || r.state === 'running'),
    );
    const outcomes = await Promise.all(serving.map((replica) => this.#refresh(replica)));
    const failures = serving.flatMap((replica, i) => {
      const outcome = outcomes[i]!;
      return outcome.ready ? [] : [`${replica.name}: ${outcome.error ?? `not ready (${replica.state})`}`];
    });
    if (failures.length > 0)
      throw new Error(`Some replicas did not become ready: ${failures.join('; ')}${this.#lastLines()}`);
  }

  #lastLines(): string {
    const lines = this.logs
      .toArray()
      .filter((entry) => entry.source !== 'build')
      .slice(-10)
      .map((entry) => `  ${entry.source} ${entry.stream}: ${entry.line}`);
    return lines.length > 0 ? `\nLast log lines:\n${lines.join('\n')}` : '';
  }

  #track(c: LabContainer): Replica {
    const known = this.#replicas.get(c.index);
    if (known && known.id === c.id) return known;
    known?.probe?.controller.abort();
    const replica: Replica = {
      index: c.index,
      name: c.name || backendName(c.index),
      container: c.container,
      id: c.id,
      state: c.state,
      connected: true,
      port: undefined,
      ready: false,
      removing: false,
    };
    this.#replicas.set(c.index, replica);
    return replica;
  }

  #byId(id: string): Replica | undefined {
    for (const replica of this.#replicas.values()) if (replica.id === id) return replica;
    return undefined;
  }

  #info(replica: Replica): ReplicaInfo {
    return {
      name: replica.name,
      index: replica.index,
      container: replica.container,
      id: replica.id,
      state: replica.state,
      connected: replica.connected,
      host: PUBLISH_HOST,
      port: replica.port,
      ready: replica.ready,
    };
  }

  async #remove(c: LabContainer, stopTimeoutSec: number | undefined): Promise<void> {
    const replica = this.#replicas.get(c.index)?.id === c.id ? this.#replicas.get(c.index)! : undefined;
    const info: ReplicaInfo = replica
      ? this.#info(replica)
      : {
          name: c.name,
          index: c.index,
          container: c.container,
          id: c.id,
          state: c.state,
          connected: false,
          host: PUBLISH_HOST,
          port: undefined,
          ready: false,
        };
    if (replica) replica.removing = true;
    this.events.emit('replica:removing', {
      ...ref(info),
      host: PUBLISH_HOST,
      ...(info.port ? { port: info.port } : {}),
    });
    if (this.#beforeRemove) {
      try {
        await this.#beforeRemove(info);
      } catch (error) {
        this.#warn(`beforeRemove(${info.name}) failed: ${(error as Error).message}`);
      }
    }
    if (replica) this.#cancelProbe(replica);
    await removeReplica(this.#docker, c.id, stopTimeoutSec);
    this.#containerLogs.forget(c.id);
    if (replica) this.#replicas.delete(replica.index);
    this.events.emit('replica:removed', ref(info));
  }

  async #fault(target: string, fault: Fault): Promise<{ changed: boolean; replica: string }> {
    const c = await resolveLabContainer(this.#docker, this.name, target);
    this.#track(c);
    const result = await applyFault(this.#docker, c, fault, {
      network: this.network,
      stopTimeoutSec: this.#settings.stopTimeoutSec,
    });
    return { ...result, replica: c.name };
  }

  async #startEvents(): Promise<void> {
    if (this.#follower) return;
    const follower = new EventFollower(this.#docker, {
      lab: this.name,
      network: this.network,
      onEvent: (event) => this.#onEngineEvent(event),
      onEnd: (error) => {
        if (this.#follower === follower) this.#follower = undefined;
        if (error)
          this.#warn(
            `lost the engine's event stream (${error.message}); call adopt() once the engine is back`,
          );
      },
    });
    this.#follower = follower;
    try {
      await follower.start();
    } catch (error) {
      this.#follower = undefined;
      throw error;
    }
  }

  #stopFollowing(): void {
    this.#follower?.stop();
    this.#follower = undefined;
    this.#containerLogs.stopAll();
    for (const replica of this.#replicas.values()) this.#cancelProbe(replica);
  }

  #onEngineEvent(event: ContainerEvent): void {
    const replica = this.#byId(event.id);
    if (event.action === 'connect' || event.action === 'disconnect') {
      if (!replica) return;
      event.name = replica.name;
      event.container = replica.container;
    }
    this.events.emit('container', event);
    if (!replica) return;
    switch (event.action) {
      case 'start':
      case 'unpause':
      case 'connect':
        if (event.action === 'connect') replica.connected = true;
        void this.#refresh(replica);
        if (event.action === 'start') void this.#resumeLogs(replica.id);
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
        void this.#refresh(replica);
        break;
      case 'destroy':
        this.#cancelProbe(replica);
        this.#containerLogs.forget(replica.id);
        if (this.#replicas.get(replica.index) === replica) this.#replicas.delete(replica.index);
        break;
      default:
        break;
    }
  }

  /** Reports the first of the events that take a replica down (die is followed by disconnect). */
  #down(replica: Replica, reason: DownReason, exitCode?: number): void {
    const wasUp = replica.ready || replica.probe !== undefined;
    this.#cancelProbe(replica);
    replica.ready = false;
    if (replica.removing || !wasUp) return;
    this.events.emit('replica:down', {
      ...ref(replica),
      reason,
      ...(exitCode !== undefined ? { exitCode } : {}),
    });
  }

  #cancelProbe(replica: Replica): void {
    replica.probe?.controller.abort();
    replica.probe = undefined;
  }

  /** Re-reads state and the published port; probes readiness when it can serve. */
  async #refresh(replica: Replica): Promise<ProbeOutcome> {
    let snapshot;
    try {
      snapshot = await inspectReplica(this.#docker, replica.id, this.network);
    } catch (error) {
      return { ready: false, error: (error as Error).message };
    }
    replica.state = snapshot.state;
    replica.connected = snapshot.connected;
    replica.port = snapshot.port;
    if (!snapshot.running || snapshot.paused || !snapshot.connected || snapshot.port === undefined) {
      return { ready: false, error: `${snapshot.state}${snapshot.connected ? '' : ', disconnected'}` };
    }
    if (snapshot.running && !this.#containerLogs.isFollowing(replica.id)) void this.#resumeLogs(replica.id);
    return this.#probe(replica, snapshot.port);
  }

  /** One probe per replica and port: a second caller shares the first one's outcome. */
  #probe(replica: Replica, port: number): Promise<ProbeOutcome> {
    if (replica.probe && replica.probe.port === port) return replica.probe.outcome;
    this.#cancelProbe(replica);
    replica.ready = false;
    const controller = new AbortController();
    const outcome = waitReady({
      host: PUBLISH_HOST,
      port,
      path: this.#settings.readinessPath,
      intervalMs: this.#settings.probeIntervalMs,
      timeoutMs: this.#settings.readyTimeoutMs,
      signal: controller.signal,
    }).then(
      (ready): ProbeOutcome => {
        if (!ready || controller.signal.aborted) return { ready: false };
        replica.ready = true;
        this.events.emit('replica:ready', { ...ref(replica), host: PUBLISH_HOST, port });
        return { ready: true };
      },
      (error: Error): ProbeOutcome => {
        if (!controller.signal.aborted) this.#warn(`${replica.name}: ${error.message}`);
        return { ready: false, error: error.message };
      },
    );
    replica.probe = { port, controller, outcome };
    return outcome;
  }

  async #resumeLogs(id: string): Promise<void> {
    const replica = this.#byId(id);
    if (!replica || replica.removing) return;
    try {
      const snapshot = await inspectReplica(this.#docker, id, this.network);
      if (snapshot.running) await this.#containerLogs.follow(id, replica.name);
    } catch (error) {
      // 404: gone; 409: being removed.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) this.#warn(`${replica.name} logs: ${(error as Error).message}`);
    }
  }

  #log(entry: LogEntry): void {
    this.logs.push(entry);
    this.events.emit('log', entry);
  }

  #warn(message: string): void {
    this.events.emit('warning', { message });
  }
}

const ref = (r: { name: string; container: string; id: string }): ReplicaRef => ({
  name: r.name,
  container: r.container,
  id: r.id,
});
