import { Emitter } from '../events/emitter';
import type {
  BuiltImage,
  LabStatus,
  ReplicaInfo,
  ReplicaRef,
  ReplicaTerminal,
  RestoreStep,
  RolloutOptions,
  Runtime,
  RuntimeEvents,
} from '../lab/runtime';
import type { LogEntry } from '../logs/entry';
import { RingBuffer } from '../logs/ring';
import { DemoBackend } from './demo-backend';
import { rolloutWaves } from '../lab/runtime';
import { backendName } from '../lab/backend-name';

type Fault = 'kill' | 'stop' | 'pause' | 'unpause' | 'restart' | 'disconnect' | 'connect';

interface DemoReplica {
  backend: DemoBackend;
  index: number;
  /** Docker-like state: running, paused, exited. */
  state: 'running' | 'paused' | 'exited';
  connected: boolean;
}

/**
 * Built-in backends in this process, behind the same interface as the Docker lab: no engine, no
 * image, but kill / stop / pause / restore behave as they do on containers (refused connections,
 * graceful finish, silence until a timeout).
 */
export class DemoRuntime implements Runtime {
  readonly events = new Emitter<RuntimeEvents>();
  readonly logs: RingBuffer<LogEntry>;
  /** Backends in this process: no container to report on. */
  readonly containers = null;
  private readonly replicas = new Map<string, DemoReplica>();
  private desired: number;
  /** The image built last: every build makes a new version, as an edited project would. */
  private version = 0;
  /** The version the lab's tag names: the one built last, or the one a canary was rolled back to. */
  private current = 0;
  /** A canary: its version, the one the lab's replicas run, and its replicas' numbers. */
  private canary: { version: number; stable: number; indexes: number[] } | null = null;

  constructor(
    readonly name: string,
    replicas: number,
    logCapacity = 10_000,
  ) {
    this.desired = replicas;
    this.logs = new RingBuffer<LogEntry>(logCapacity);
  }

  /** Nothing is built: the backends are in this process. Each "build" is a new version of them. */
  async build(): Promise<BuiltImage> {
    this.version++;
    this.current = this.version;
    const imageId = this.imageId;
    const tag = `upstream-lab/${this.name}:demo`;
    const note = `demo backends: built in, nothing to build (version ${this.version})`;
    this.log('build', `${note}; Docker builds the project's Dockerfile when the runtime is Docker`);
    this.events.emit('build:done', {
      imageId,
      tag,
      steps: 0,
      cachedSteps: 0,
      durationMs: 0,
      baseImages: [],
      note,
    });
    return { imageId, tag, durationMs: 0 };
  }

  private get imageId(): string {
    return `demo-v${this.current}`;
  }

  /** Built-in backends have no files: a sync only finds the replica (an unknown one is refused). */
  async copyInto(target: string): Promise<void> {
    this.find(target);
  }

  async openTerminal(target: string): Promise<ReplicaTerminal> {
    this.find(target);
    throw new Error('the demo backends have no container to open a terminal in: start the lab on Docker');
  }

  /** Runtime.rollout with in-process backends: waves of new ones beside (or after) the old ones. */
  async rollout(options: RolloutOptions): Promise<LabStatus> {
    if (this.canary) throw new Error('a canary is running: promote it or roll it back before a rollout');
    await this.rollTo(this.current, options);
    await this.converge();
    return this.status();
  }

  async startCanary(count: number): Promise<LabStatus> {
    if (this.canary) throw new Error('a canary is running: promote it or roll it back before another canary');
    const stable = this.versionRunning();
    if (stable === this.current)
      throw new Error(
        'the build made the version the replicas already run: change the project, then start the canary (it builds first)',
      );
    this.canary = {
      version: this.current,
      stable,
      indexes: Array.from({ length: count }, (_, i) => this.desired + i + 1),
    };
    for (const index of this.canary.indexes) await this.create(index, this.current);
    return this.status();
  }

  async endCanary(outcome: 'promote' | 'rollback', options: RolloutOptions): Promise<LabStatus> {
    const canary = this.canary;
    if (!canary) throw new Error('no canary is running');
    await this.rollTo(outcome === 'promote' ? canary.version : canary.stable, options);
    for (const replica of [...this.replicas.values()].filter((r) => canary.indexes.includes(r.index))) {
      const port = replica.backend.port;
      if (port !== undefined) await options.takeOut({ name: replica.backend.name, host: '127.0.0.1', port });
      await this.remove(replica);
    }
    this.canary = null;
    this.current = outcome === 'promote' ? canary.version : canary.stable;
    return this.status();
  }

  /** The version the lab's own replicas run (the first one's). */
  private versionRunning(): number {
    return [...this.replicas.values()].find((r) => r.index <= this.desired)?.backend.version ?? this.current;
  }

  private async rollTo(version: number, options: RolloutOptions): Promise<void> {
    const old = [...this.replicas.values()]
      .filter((r) => r.index <= this.desired && r.backend.version !== version)
      .sort((a, b) => a.index - b.index);
    const { size, surge } = rolloutWaves(options);
    for (let i = 0; i < old.length; i += size) {
      const wave = old.slice(i, i + size);
      await Promise.all(wave.map((replica, j) => this.replace(replica, version, options, j < surge)));
    }
  }

  private async replace(
    replica: DemoReplica,
    version: number,
    options: RolloutOptions,
    startFirst: boolean,
  ): Promise<void> {
    const name = replica.backend.name;
    const image = `demo-v${version}`;
    const oldPort = replica.backend.port;
    const serving = oldPort !== undefined && replica.state === 'running';
    this.events.emit('replica:replacing', { ...this.ref(name), image });
    if (!startFirst && serving) await options.takeOut({ name, host: '127.0.0.1', port: oldPort });
    if (!startFirst) await replica.backend.stop(2000);
    const next: DemoReplica = {
      backend: new DemoBackend(name, (line) => this.log(name, line), version),
      index: replica.index,
      state: 'exited',
      connected: true,
    };
    this.events.emit('replica:created', this.ref(name));
    this.replicas.set(name, next);
    await this.startReplica(next);
    if (startFirst) {
      if (serving) await options.drain({ name, host: '127.0.0.1', port: oldPort });
      await replica.backend.stop(2000);
    }
    this.events.emit('replica:replaced', { ...this.ref(name), image });
  }

  async up(): Promise<LabStatus> {
    await this.converge();
    return this.status();
  }

  async scale(replicas: number): Promise<LabStatus> {
    if (this.canary) throw new Error('a canary is running: promote it or roll it back before scaling');
    this.desired = replicas;
    await this.converge();
    return this.status();
  }

  private async converge(): Promise<void> {
    const version = this.canary?.stable ?? this.current;
    for (let i = 1; i <= this.desired; i++)
      if (!this.replicas.has(backendName(i))) await this.create(i, version);
    const extra = [...this.replicas.values()]
      .filter((r) => r.index > this.desired && !this.canary?.indexes.includes(r.index))
      .sort((a, b) => b.index - a.index);
    for (const replica of extra) await this.remove(replica);
  }

  private async create(index: number, version: number): Promise<void> {
    const name = backendName(index);
    const backend = new DemoBackend(name, (line) => this.log(name, line), version);
    const replica: DemoReplica = { backend, index, state: 'exited', connected: true };
    this.replicas.set(name, replica);
    this.events.emit('replica:created', this.ref(name));
    await this.startReplica(replica);
  }

  private async remove(replica: DemoReplica): Promise<void> {
    const name = replica.backend.name;
    this.events.emit('replica:removing', {
      ...this.ref(name),
      host: '127.0.0.1',
      port: replica.backend.port,
    });
    await replica.backend.stop(2000);
    this.replicas.delete(name);
    this.events.emit('replica:removed', this.ref(name));
  }

  private async startReplica(replica: DemoReplica): Promise<void> {
    const port = await replica.backend.start();
    replica.state = 'running';
    this.events.emit('replica:ready', {
      ...this.ref(replica.backend.name),
      host: '127.0.0.1',
      port,
      imageId: `demo-v${replica.backend.version}`,
    });
  }

  async down(): Promise<void> {
    this.canary = null;
    for (const replica of [...this.replicas.values()]) await this.remove(replica);
  }

  async status(): Promise<LabStatus> {
    return {
      lab: this.name,
      image: `upstream-lab/${this.name}:demo`,
      imageId: this.imageId,
      network: `${this.name}-net`,
      desired: this.desired,
      replicas: [...this.replicas.values()].map((r) => this.info(r)),
      canary: this.canary
        ? { imageId: `demo-v${this.canary.version}`, replicas: this.canary.indexes.map(backendName) }
        : null,
    };
  }

  /** In-process backends never lose their owner: nothing to take back. */
  adopt(): Promise<LabStatus> {
    return this.status();
  }

  close(): void {}

  kill(target: string) {
    return this.fault(target, 'kill');
  }
  stop(target: string) {
    return this.fault(target, 'stop');
  }
  pause(target: string) {
    return this.fault(target, 'pause');
  }
  unpause(target: string) {
    return this.fault(target, 'unpause');
  }
  restart(target: string) {
    return this.fault(target, 'restart');
  }
  disconnect(target: string) {
    return this.fault(target, 'disconnect');
  }
  connect(target: string) {
    return this.fault(target, 'connect');
  }

  async restore(target: string): Promise<{ steps: RestoreStep[]; replica: ReplicaInfo }> {
    const replica = this.find(target);
    const steps: RestoreStep[] = [];
    if (replica.state === 'paused') {
      steps.push('unpause');
      await this.fault(target, 'unpause');
    }
    if (!replica.connected) {
      steps.push('connect');
      await this.fault(target, 'connect');
    }
    if (replica.state === 'exited') {
      steps.push('start');
      await this.startReplica(replica);
    }
    return { steps, replica: this.info(replica) };
  }

  private async fault(target: string, fault: Fault): Promise<{ changed: boolean; replica: string }> {
    const replica = this.find(target);
    const { backend } = replica;
    const name = backend.name;
    let changed = true;
    switch (fault) {
      case 'kill':
        if (replica.state === 'exited') changed = false;
        else {
          backend.kill();
          replica.state = 'exited';
          this.events.emit('replica:down', { ...this.ref(name), reason: 'exited', exitCode: 137 });
        }
        break;
      case 'stop':
        if (replica.state === 'exited') changed = false;
        else {
          await backend.stop();
          replica.state = 'exited';
          this.events.emit('replica:down', { ...this.ref(name), reason: 'exited', exitCode: 0 });
        }
        break;
      case 'pause':
        if (replica.state !== 'running') changed = false;
        else {
          backend.pause();
          replica.state = 'paused';
          this.events.emit('replica:down', { ...this.ref(name), reason: 'paused' });
        }
        break;
      case 'unpause':
        if (replica.state !== 'paused') changed = false;
        else {
          backend.resume();
          replica.state = 'running';
          if (replica.connected) this.ready(replica);
        }
        break;
      case 'restart':
        await backend.stop(2000);
        await this.startReplica(replica);
        break;
      case 'disconnect':
        if (!replica.connected) changed = false;
        else {
          // Leaving the network: the published port goes away, connections fail.
          backend.kill();
          replica.connected = false;
          this.events.emit('replica:down', { ...this.ref(name), reason: 'disconnected' });
        }
        break;
      case 'connect':
        if (replica.connected) changed = false;
        else {
          replica.connected = true;
          if (replica.state === 'running') await this.startReplica(replica);
        }
        break;
    }
    return { changed, replica: name };
  }

  private ready(replica: DemoReplica): void {
    const port = replica.backend.port;
    if (port !== undefined)
      this.events.emit('replica:ready', {
        ...this.ref(replica.backend.name),
        host: '127.0.0.1',
        port,
        imageId: `demo-v${replica.backend.version}`,
      });
  }

  private find(target: string): DemoReplica {
    const name = target.startsWith(`${this.name}-`) ? target.slice(this.name.length + 1) : target;
    const replica = this.replicas.get(name);
    if (!replica) throw new Error(`"${target}" is not a replica of lab "${this.name}"`);
    return replica;
  }

  private ref(name: string): ReplicaRef {
    return { name, container: `${this.name}-${name}`, id: `demo-${this.name}-${name}` };
  }

  private info(replica: DemoReplica): ReplicaInfo {
    const name = replica.backend.name;
    return {
      name,
      index: replica.index,
      container: `${this.name}-${name}`,
      id: `demo-${this.name}-${name}`,
      state: replica.state,
      connected: replica.connected,
      host: '127.0.0.1',
      port: replica.connected && replica.state !== 'exited' ? replica.backend.port : undefined,
      ready: replica.state === 'running' && replica.connected,
      imageId: `demo-v${replica.backend.version}`,
    };
  }

  private log(source: string, line: string): void {
    const entry: LogEntry = { source, stream: 'stdout', time: new Date().toISOString(), line };
    this.logs.push(entry);
    this.events.emit('log', entry);
  }
}
