import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { LogEntry } from '../logs/entry';
import { RingBuffer } from '../logs/ring';
import { networkProbe } from '../prepare/network-probe';
import type { BuildSources } from '../prepare/prepare-build';
import type { ProjectPlan } from '../project/plan';
import { dockerfilePlan } from '../project/dockerfile-plan';
import type { BuildResult } from './build';
import { Emitter } from '../events/emitter';
import type { ReplicaTerminal, RolloutOptions, Runtime } from '../lab/runtime';
import { LabEventsFeed } from './lab-events-feed';
import { openExecTerminal } from './exec-terminal';
import { applyFault, restoreReplica } from './faults';
import type { Fault, RestoreStep } from './faults';
import { listLabContainers, NotInLabError, resolveLabContainer } from './guard';
import type { LabContainer } from './guard';
import {
  backendIndex,
  containerName,
  DEFAULT_APP_PORT,
  defaultImageTag,
  LABEL_LAB,
  labFilter,
  networkName,
} from './labels';
import { buildLabImage } from './lab-build';
import { packContext } from './build-context';
import { LabDependencies } from './lab-dependencies';
import { exposedPort } from './replica-specs';
import { converge, type ConvergeOptions } from './converge';
import { replaceInWaves, type ReplaceOptions } from './rollout';
import { endCanary, startCanary, type Canary, type CanaryLab } from './canary';
import type { LabEvents } from './lab-events';
import { parseLabSettings, replicaCount } from './lab-options';
import type { LabOptions, LabSettings } from './lab-options';
import type { LabStatus, ReplicaInfo } from './lab-status';
import { ContainerLogs } from './logs';
import { ensureLabNetwork, removeLabNetworks } from './network';
import { ref, ReplicaSet } from './replica-set';
import { inspectReplica, PUBLISH_HOST, removeReplica } from './replicas';
import { ensureLabVolume, removeLabVolumes } from './volumes';
import { LabOwnership } from './lab-ownership';
import { ReplicaStats } from './replica-stats';
import { currentOwner } from '../state/lock-owner';

export function createLab(options: LabOptions): Lab {
  return new Lab(options);
}

/**
 * One lab: the project's image, its services (a database, from its compose file) and its
 * replicas `<lab>-backend1..N` on `<lab>-net`. It changes only containers, networks and volumes
 * labelled `upstream-lab.lab=<lab>`, resolved by label before every change. State comes from the
 * engine's event stream; readiness from each replica's published port, read again after every start.
 */
export class Lab implements Runtime {
  readonly events = new Emitter<LabEvents>();
  /** The combined log: build output and every replica's stdout/stderr. */
  readonly logs: RingBuffer<LogEntry>;
  readonly name: string;
  readonly network: string;
  readonly image: string;

  readonly #docker: Docker;
  readonly #settings: LabSettings;
  readonly #plan: ProjectPlan;
  readonly #sources: BuildSources;
  readonly #beforeRemove: LabOptions['beforeRemove'];
  readonly #replicas: ReplicaSet;
  readonly #dependencies: LabDependencies;
  readonly #containerLogs: ContainerLogs;
  readonly #feed: LabEventsFeed;
  /** Each replica's container facts and stats stream. */
  readonly containers: ReplicaStats;
  #desired: number;
  #imageId: string | undefined;
  /** The port the app listens on in each replica: the plan's, else the image's EXPOSE, else 8000. */
  #appPort = DEFAULT_APP_PORT;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #ownership: LabOwnership;
  #canary: Canary | null = null;

  constructor(options: LabOptions) {
    this.#settings = parseLabSettings(options);
    this.#docker = options.docker;
    this.#beforeRemove = options.beforeRemove;
    const s = this.#settings;
    this.#plan = options.plan ?? dockerfilePlan(s.project, s.replicas, s.env ?? {});
    this.#sources = {
      offline: s.offline,
      mirrors: s.registryMirrors,
      ...(s.pipIndex ? { pipMirror: s.pipIndex } : {}),
      ...(s.wheelhouse ? { wheelhouse: s.wheelhouse } : {}),
      ...(s.baseImage ? { baseImage: s.baseImage } : {}),
      probe: options.probe ?? networkProbe(),
      machine: process.arch === 'arm64' ? 'aarch64' : 'x86_64',
      ...(options.offlineImages ? { offlineImages: options.offlineImages } : {}),
    };
    this.name = s.lab;
    this.#ownership = new LabOwnership(
      this.#docker,
      this.name,
      options.owner ?? currentOwner(),
      options.stateDir ?? null,
    );
    this.network = networkName(this.name);
    this.image = s.image ?? defaultImageTag(this.name);
    this.#desired = s.replicas;
    this.logs = new RingBuffer<LogEntry>(s.logCapacity);
    this.#containerLogs = new ContainerLogs(this.#docker, {
      tail: s.logTail,
      onLine: ({ id, ...entry }) => {
        this.#log(entry);
        this.#replicas.onLogLine(id, entry.line);
      },
      onEnd: (id) => void this.#replicas.resumeLogs(id),
    });
    const lastLines = (source: string, count: number): string[] =>
      this.logs
        .toArray()
        .filter((entry) => entry.source === source)
        .slice(-count)
        .map((entry) => entry.line);
    this.#replicas = new ReplicaSet({
      docker: this.#docker,
      network: this.network,
      events: this.events,
      logs: this.#containerLogs,
      probe: {
        path: s.readyPath ?? '/',
        rule: s.readyPath ? 'success' : 'any-answer',
        intervalMs: s.probeIntervalMs,
        // Python needs longer than this to listen; probing sooner only loads the engine's port
        // proxy while the other replicas are still starting.
        initialDelayMs: 150,
        timeoutMs: s.readyTimeoutMs,
      },
      beforeProbe: (replica) => this.#dependencies.beforeProbe(replica),
      lastLines,
      warn: (message) => this.#warn(message),
    });
    this.containers = new ReplicaStats(this.#docker, this.events, (message) => this.#warn(message));
    this.#feed = new LabEventsFeed({
      docker: this.#docker,
      lab: this.name,
      network: this.network,
      replicas: this.#replicas,
      events: this.events,
      warn: (message) => this.#warn(message),
    });
    this.#dependencies = new LabDependencies({
      docker: this.#docker,
      lab: this.name,
      network: this.network,
      image: this.image,
      plan: this.#plan,
      sources: this.#sources,
      logs: this.#containerLogs,
      events: this.events,
      log: (entry) => this.#log(entry),
      warn: (message) => this.#warn(message),
      lastLines,
      ...(options.migrations ? { migrations: options.migrations } : {}),
    });
  }

  /** The plan the lab runs (roles, services, warnings), for showing before anything starts. */
  get plan(): ProjectPlan {
    return this.#plan;
  }

  /**
   * Builds the project's image, adapted to what this machine can reach (mirrors, offline
   * stand-ins, Debian packages for the requirements), unless nothing it is built from changed.
   */
  build(options: { signal?: AbortSignal; noCache?: boolean } = {}): Promise<BuildResult> {
    return this.#serial(async () => {
      await this.#ownership.claim();
      const result = await buildLabImage({
        docker: this.#docker,
        lab: this.name,
        tag: this.image,
        image: this.#plan.image,
        sources: this.#sources,
        events: this.events,
        log: (line) => this.#log({ source: 'build', stream: 'stdout', time: new Date().toISOString(), line }),
        commandGiven: this.#plan.replicas.every((r) => r.command || r.entrypoint),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.noCache ? { noCache: true } : {}),
      });
      this.#imageId = result.imageId;
      return result;
    });
  }

  /**
   * Starts the lab services in depends_on order, runs the migrations, then the replicas, and
   * waits until each replica answers its readiness probe. Leftover replicas of this lab from an
   * earlier run are adopted when running the current image, otherwise removed.
   */
  up(): Promise<LabStatus> {
    return this.#serial(async () => {
      await this.#ownership.claim();
      const imageId = await this.#prepare();
      await Promise.all(this.#plan.volumes.map((volume) => ensureLabVolume(this.#docker, this.name, volume)));
      // Migrations run while the replicas start; they are probed, and so join, only afterwards —
      // unless the replicas migrate by themselves too: then they wait, or they would race.
      await this.#dependencies.start();
      if (this.#plan.replicasMigrate) await this.#dependencies.migrated;
      for (const c of await listLabContainers(this.#docker, this.name)) {
        if (await this.#adoptable(c, imageId)) {
          this.events.emit('replica:adopted', ref(this.#replicas.track(c)));
        } else {
          await this.#remove(c, undefined);
        }
      }
      const [converged, migrated] = await Promise.allSettled([
        this.#converge(imageId),
        this.#dependencies.migrated,
      ]);
      // A failed service or migration is the one cause: the replicas waiting for it only echo it.
      if (migrated.status === 'rejected') throw migrated.reason;
      if (converged.status === 'rejected') throw converged.reason;
      return this.status();
    });
  }

  /** Adds replicas (the lowest free numbers) or removes the highest-numbered ones, while running. */
  scale(replicas: number): Promise<LabStatus> {
    const count = replicaCount.parse(replicas);
    return this.#serial(async () => {
      await this.#ownership.claim();
      this.#refuseDuringCanary('scaling');
      this.#desired = count;
      const imageId = await this.#prepare();
      const existing = await listLabContainers(this.#docker, this.name);
      for (const c of existing) this.#replicas.track(c);
      const victims = [...existing]
        .sort((a, b) => b.index - a.index)
        .slice(0, Math.max(0, existing.length - count));
      await Promise.all(victims.map((victim) => this.#remove(victim, this.#settings.stopTimeoutSec)));
      await this.#converge(imageId);
      return this.status();
    });
  }

  /** The rolling update to the image built last (see Runtime.rollout): replicas on it already stay. */
  rollout(options: RolloutOptions): Promise<LabStatus> {
    return this.#serial(async () => {
      await this.#ownership.claim();
      this.#refuseDuringCanary('a rollout');
      const imageId = await this.#prepare();
      const existing = await listLabContainers(this.#docker, this.name);
      const old = existing.filter((c) => c.imageId !== imageId && c.index >= 1 && c.index <= this.#desired);
      await replaceInWaves(this.#replaceOptions(imageId, options), old);
      await this.#converge(imageId);
      return this.status();
    });
  }

  /** Runtime.startCanary: `count` replicas of the image built last, numbered after the lab's. */
  startCanary(count: number): Promise<LabStatus> {
    return this.#serial(async () => {
      await this.#ownership.claim();
      this.#refuseDuringCanary('another canary');
      this.#canary = await startCanary(this.#canaryLab(), count);
      this.#imageId = this.#canary.stableImageId;
      return this.status();
    });
  }

  /** Runtime.endCanary: promote (roll the rest over to it) or roll back; its replicas go. */
  endCanary(outcome: 'promote' | 'rollback', options: RolloutOptions): Promise<LabStatus> {
    return this.#serial(async () => {
      await this.#ownership.claim();
      const canary = this.#canary;
      if (!canary) throw new Error('no canary is running');
      await endCanary(this.#canaryLab(), canary, outcome, options);
      this.#canary = null;
      this.#imageId = outcome === 'promote' ? canary.imageId : canary.stableImageId;
      return this.status();
    });
  }

  #refuseDuringCanary(what: string): void {
    if (this.#canary) throw new Error(`a canary is running: promote it or roll it back before ${what}`);
  }

  #canaryLab(): CanaryLab {
    return {
      docker: this.#docker,
      image: this.image,
      network: this.network,
      desired: this.#desired,
      list: () => listLabContainers(this.#docker, this.name),
      prepare: () => this.#prepare(),
      replaceOptions: (imageId, rollout) => this.#replaceOptions(imageId, rollout),
      converge: (imageId, extra) => converge({ ...this.#convergeOptions(imageId), extra }),
      remove: (c) => this.#remove(c, this.#settings.stopTimeoutSec),
    };
  }

  #replaceOptions(imageId: string, rollout: RolloutOptions): ReplaceOptions {
    return { ...this.#convergeOptions(imageId), ...rollout, stopTimeoutSec: this.#settings.stopTimeoutSec };
  }

  async copyInto(target: string, dir: string, files: string[], into?: string | null): Promise<void> {
    const c = await resolveLabContainer(this.#docker, this.name, target);
    const present = files.filter((file) => existsSync(join(dir, file)));
    if (present.length === 0) return;
    const container = this.#docker.getContainer(c.id);
    const to = into ?? ((await container.inspect()).Config.WorkingDir || '/');
    await container.putArchive(packContext(dir, present), { path: to });
  }

  /** `docker exec -it` into the lab's replica `target` (a container not labelled for the lab is refused). */
  async openTerminal(target: string): Promise<ReplicaTerminal> {
    const c = await resolveLabContainer(this.#docker, this.name, target);
    return openExecTerminal(this.#docker, c);
  }

  /** SIGKILL at once. */
  kill(target: string) {
    return this.#fault(target, 'kill');
  }
  /** SIGTERM, then SIGKILL after the grace period: in-flight requests finish first. */
  stop(target: string) {
    return this.#fault(target, 'stop');
  }
  /** Freezes the processes: connections hang instead of failing. */
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
    const c = await resolveLabContainer(this.#docker, this.name, target).catch((error: unknown) =>
      this.#recreate(target, error),
    );
    if (c === 'recreated') {
      const replica = (await this.status()).replicas.find((r) => r.name === target || r.container === target);
      if (!replica) throw new Error(`${target} was recreated but is not there`);
      return { steps: ['recreate'], replica };
    }
    const steps = await restoreReplica(this.#docker, c, {
      network: this.network,
      stopTimeoutSec: this.#settings.stopTimeoutSec,
    });
    const replica = this.#replicas.track(c);
    const outcome = await this.#replicas.refresh(replica);
    if (!outcome.ready) {
      const undone = steps.join(', ') || 'nothing to undo';
      throw new Error(
        `${replica.name} was restored (${undone}) but is not ready: ${outcome.error ?? 'cancelled'}`,
      );
    }
    return { steps, replica: this.#replicas.info(replica) };
  }

  /**
   * Removes every container and network of the lab; its volumes (the database's data) stay
   * unless `volumes` is set. Safe to call again. Refused (LabHeldError) while another process
   * that is alive holds the lab — with `abandonedOnly`, unless that holder is known to be gone;
   * a no-op on a lab this object was refused.
   */
  down(options: { volumes?: boolean; abandonedOnly?: boolean } = {}): Promise<void> {
    return this.#serial(async () => {
      if (this.#ownership.refused) return;
      await this.#ownership.checkMayRemove(options.abandonedOnly ?? false);
      this.#stopFollowing();
      for (const c of await listLabContainers(this.#docker, this.name)) await this.#remove(c, undefined);
      this.#replicas.clear();
      this.#canary = null;
      await this.#dependencies.down();
      await this.#removeOthers();
      await removeLabNetworks(this.#docker, this.name);
      if (options.volumes) await removeLabVolumes(this.#docker, this.name);
      await this.#ownership.release();
    });
  }

  /** The replicas as the engine has them now (inspected), with readiness as last probed. */
  async status(): Promise<LabStatus> {
    const replicas: ReplicaInfo[] = [];
    for (const c of await listLabContainers(this.#docker, this.name)) {
      const replica = this.#replicas.track(c);
      try {
        const snapshot = await inspectReplica(this.#docker, c.id, this.network);
        replica.state = snapshot.state;
        replica.connected = snapshot.connected;
        replica.port = snapshot.port;
      } catch {
        continue;
      }
      replicas.push(this.#replicas.info(replica));
    }
    return {
      lab: this.name,
      image: this.image,
      imageId: this.#imageId,
      network: this.network,
      desired: this.#desired,
      replicas,
      canary: this.#canary
        ? { imageId: this.#canary.imageId, replicas: this.#canary.indexes.map((i) => `backend${i}`) }
        : null,
    };
  }

  /**
   * Takes the lab's containers over as they are (after the engine came back, or in a new
   * process): follows events and logs again, re-reads ports and waits for the running replicas'
   * readiness probes. Removes and creates nothing.
   */
  adopt(): Promise<LabStatus> {
    return this.#serial(async () => {
      await this.#ownership.claim();
      this.#stopFollowing();
      await this.#feed.start();
      const present = await listLabContainers(this.#docker, this.name);
      this.#replicas.keepOnly(new Set(present.map((c) => c.id)));
      // Waits for the probes of the running replicas; faulted ones are reported as they are.
      await Promise.all(present.map((c) => this.#replicas.refresh(this.#replicas.track(c))));
      return this.status();
    });
  }

  /** Stops following events, logs and probes; leaves the containers running. */
  close(): void {
    this.#stopFollowing();
  }

  // --- internals -----------------------------------------------------------------------------

  /**
   * Restore of a replica whose container is gone (removed behind the lab's back): one of the
   * lab's numbers is made again, and waited for until ready. Anything else: `error` as it was.
   */
  async #recreate(target: string, error: unknown): Promise<'recreated'> {
    const index = backendIndex(this.name, target);
    if (!(error instanceof NotInLabError) || index === undefined || index > this.#desired) throw error;
    await this.#serial(async () => {
      await this.#ownership.claim();
      await this.#converge(await this.#prepare());
    });
    return 'recreated';
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The image to run, the network, and the event stream: what up and scale need first. */
  async #prepare(): Promise<string> {
    const image = this.#docker
      .getImage(this.image)
      .inspect()
      .then(
        (info) => info.Id,
        (error: unknown) => {
          if ((error as { statusCode?: number }).statusCode === 404) {
            throw new Error(`The image ${this.image} does not exist yet: build the lab first.`, {
              cause: error,
            });
          }
          throw error;
        },
      );
    // Independent round trips to the engine, so at the same time.
    const [imageId] = await Promise.all([
      image,
      ensureLabNetwork(this.#docker, this.name),
      this.#feed.start(),
    ]);
    this.#imageId = imageId;
    this.#appPort =
      this.#plan.replicas[0]?.port ?? (await exposedPort(this.#docker, this.image)) ?? DEFAULT_APP_PORT;
    return imageId;
  }

  /** Containers of the lab that are neither replicas nor services (a one-off left by a crash). */
  async #removeOthers(): Promise<void> {
    const list = await this.#docker.listContainers({ all: true, filters: { label: [labFilter(this.name)] } });
    for (const c of list.filter((c) => c.Labels?.[LABEL_LAB] === this.name)) {
      await this.#docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }

  async #adoptable(c: LabContainer, imageId: string): Promise<boolean> {
    if (c.index < 1 || c.index > this.#desired || c.imageId !== imageId || c.state !== 'running')
      return false;
    if (c.container !== containerName(this.name, c.index)) return false;
    return (await inspectReplica(this.#docker, c.id, this.network)).connected;
  }

  #converge(imageId: string): Promise<void> {
    return converge(this.#convergeOptions(imageId));
  }

  #convergeOptions(imageId: string): ConvergeOptions {
    return {
      docker: this.#docker,
      lab: this.name,
      network: this.network,
      plan: this.#plan,
      replicas: this.#replicas,
      events: this.events,
      imageId,
      port: this.#appPort,
      desired: this.#desired,
      oneByOne: this.#plan.replicasMigrate,
    };
  }

  /** Announces the removal, lets the owner drain the replica, then removes the container. */
  async #remove(c: LabContainer, stopTimeoutSec: number | undefined): Promise<void> {
    const replica = this.#replicas.track(c);
    const info = this.#replicas.info(replica);
    this.#replicas.markRemoving(replica);
    this.events.emit('replica:removing', {
      ...ref(info),
      host: PUBLISH_HOST,
      ...(info.port ? { port: info.port } : {}),
    });
    try {
      await this.#beforeRemove?.(info);
    } catch (error) {
      this.#warn(`beforeRemove(${info.name}) failed: ${(error as Error).message}`);
    }
    await removeReplica(this.#docker, c.id, stopTimeoutSec);
    this.#replicas.forget(replica);
    this.events.emit('replica:removed', ref(info));
  }

  async #fault(target: string, fault: Fault): Promise<{ changed: boolean; replica: string }> {
    const c = await resolveLabContainer(this.#docker, this.name, target);
    this.#replicas.track(c);
    const result = await applyFault(this.#docker, c, fault, {
      network: this.network,
      stopTimeoutSec: this.#settings.stopTimeoutSec,
    });
    return { ...result, replica: c.name };
  }

  #stopFollowing(): void {
    this.#feed.stop();
    this.containers.stopAll();
    this.#containerLogs.stopAll();
    this.#replicas.stopProbes();
  }

  #log(entry: LogEntry): void {
    this.logs.push(entry);
    this.events.emit('log', entry);
  }

  #warn(message: string): void {
    this.events.emit('warning', { message });
  }
}
