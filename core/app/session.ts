import type {
  BackendAction,
  BackendFigures,
  BackendState,
  BackendView,
  ContainerSamples,
  BuildView,
  LabSettings,
  MetricsSample,
  RequestSample,
  TimelineEvent,
} from '../api/contract';
import { accessLogLine, reopenOnSigusr1 } from '../balancer/access-log';
import type { ProxyConfig } from '../balancer/config';
import type { Toxic } from '../balancer/toxic';
import type { RequestRecord } from '../balancer/record';
import { formatAddr } from '../balancer/peer';
import type { PeerSnapshot } from '../balancer/snapshot';
import { BackendMachine, peerState, type BackendInput } from '../lab/backend-machine';
import { BalancedLab, type RolloutWaves } from '../lab/balanced-lab';
import { rolloutWaves } from '../lab/runtime';
import { CanaryControl } from './canary-control';
import { Versions } from './versions';
import type { WatchCopy } from '../project/project-watch';
import type { ProjectPlan } from '../project/plan';
import type { Runtime } from '../lab/runtime';
import type { LogEntry } from '../logs/entry';
import { methodText } from '../api/contract';
import { BackendStats } from './backend-stats';
import { checkText, ServerFigures } from './server-figures';
import { StateHistory } from './state-history';
import { paramsFor } from './lab-config';
import { ProjectTracker } from './project-tracker';
import { Timeline } from './timeline';
import { byBackendOrder } from '../lab/backend-name';

/** What a session reports to its owner (the App), which batches it into API events. */
export interface SessionSink {
  log(source: string, text: string, stream?: 'stdout' | 'stderr', time?: number): void;
  notice(level: 'info' | 'warning', message: string): void;
  requests(samples: RequestSample[]): void;
  metrics(sample: MetricsSample): void;
  timeline(event: TimelineEvent): void;
  /** Once a second, where the replicas run in containers. */
  containers(samples: ContainerSamples): void;
  changed(): void;
}

const FAULT_OF_ACTION: Partial<Record<BackendAction, BackendState>> = {
  kill: 'killed',
  stop: 'stopped',
  pause: 'paused',
  disconnect: 'disconnected',
};

/** One running lab: its runtime, the balancer in front, and what the dashboard shows of them. */
export class LabSession {
  readonly lab: BalancedLab;
  readonly stats = new BackendStats();
  /** HAProxy's per-server counters (status classes, bytes, retries, redispatches). */
  readonly figures = new ServerFigures();
  /** The backends' states over time: downtime, last change. */
  private readonly history = new StateHistory();
  readonly timeline: Timeline;
  readonly project: ProjectTracker;
  build: BuildView = { state: 'idle', steps: [], message: null, durationMs: null };
  /** The image the replicas run, as the last build made it (null before it, and for the demo backends' none). */
  builtImage: { name: string; baseImages: string[] } | null = null;
  url: string | null = null;
  /** One state machine per backend the runtime reports. */
  private readonly machines = new Map<string, BackendMachine>();
  private readonly offs: Array<() => void> = [];
  private readonly metricsTimer: NodeJS.Timeout;
  /** Auto-restore timers of faults with a duration. */
  private readonly restores = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private buildAbort: AbortController | null = null;
  /** Replicas whose new version a rollout is starting (until it is ready, or the rollout stops). */
  private readonly replacing = new Set<string>();
  /** Which image each replica runs, and each version's figures. */
  readonly versions = new Versions();
  readonly canary: CanaryControl;

  constructor(
    public settings: LabSettings,
    readonly runtime: Runtime,
    config: ProxyConfig,
    private readonly sink: SessionSink,
    plan: ProjectPlan | null = null,
  ) {
    // A replica the config has no server line for (a scale up) takes the lab's settings, not backend1's.
    this.lab = new BalancedLab({ runtime, config, newReplica: (name) => paramsFor(this.settings, name) });
    this.lab.setFailureDetection(settings.failureDetection);
    this.project = new ProjectTracker(plan, sink, () => this.url);
    this.timeline = new Timeline((event) => sink.timeline(event));
    this.canary = new CanaryControl({
      lab: this.lab,
      versions: this.versions,
      timeline: this.timeline,
      settings: () => this.settings,
      build: () => this.buildFirst(),
      log: (text) => sink.log('lab', text),
      changed: () => sink.changed(),
    });
    this.metricsTimer = setInterval(() => {
      this.stats.tick().forEach((s) => sink.metrics(s));
      const series = runtime.containers?.series();
      if (series) sink.containers({ t: Date.now(), backends: series });
      // Shares and latencies are windows over time: they move even when nothing else does.
      sink.changed();
    }, 1000);
    this.metricsTimer.unref();
    this.follow();
  }

  get upstream(): string {
    return this.lab.upstream;
  }

  /** The replicas' upstream's method as the balancer runs it, in nginx's words. */
  get method(): string {
    return methodText(this.lab.balancer.upstream(this.lab.upstream).method);
  }

  /** Claims the listen address; a taken port fails here, before any build. */
  async listen(): Promise<void> {
    const [address] = await this.lab.listen();
    if (address) this.url = urlOf(address);
    this.offs.push(
      this.lab.balancer.subscribe((batch) => this.onRecords(batch)),
      this.lab.balancer.events.on('peers', ({ peers, reason }) => this.onPeers(peers, reason)),
      this.lab.balancer.events.on('error-log', ({ line, time }) =>
        this.sink.log('error', line, 'stderr', time),
      ),
      reopenOnSigusr1(this.lab.balancer),
    );
  }

  /**
   * nginx -s reload for the running lab: the balancer takes `config` (requests in flight finish
   * on the old one), the replicas and the traffic go on; `what` is said in the log and timeline.
   */
  async reconfigure(settings: LabSettings, config: ProxyConfig, what: string): Promise<void> {
    const [address] = await this.lab.reload(config);
    this.settings = settings;
    this.lab.setFailureDetection(settings.failureDetection);
    if (address) this.url = urlOf(address);
    this.sink.log('lab', `reloaded without restarting the replicas: ${what}`);
    this.timeline.reconfigured(what);
    this.sink.changed();
  }

  /**
   * Build first, replace after: the image is built while the replicas serve; a failed build
   * leaves them as they are. Then the rolling update, in waves of `waves` (one replica at a time,
   * start-first, by default).
   */
  async rollout(waves: RolloutWaves = {}): Promise<void> {
    await this.buildFirst();
    const { size, surge } = rolloutWaves(waves);
    this.sink.log(
      'lab',
      size === 1 && surge === 1
        ? 'rollout: each replica in turn: its new version started, awaited, then the old one drained'
        : `rollout: ${size} replica(s) at a time: ${surge} started beside the old, ${size - surge} drained and replaced`,
    );
    await this.lab.rollout(waves);
    this.sink.log('lab', 'rollout: done, every replica runs the new version');
    this.sink.changed();
  }

  /** Builds the image while the replicas serve; a failed build leaves them as they are. */
  private async buildFirst(): Promise<void> {
    this.buildAbort = new AbortController();
    this.build = { state: 'running', steps: [], message: null, durationMs: null };
    this.sink.changed();
    try {
      await this.runtime.build({ signal: this.buildAbort.signal });
    } catch (error) {
      throw new Error(
        `the build failed; the replicas keep running as they were: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    } finally {
      this.buildAbort = null;
    }
  }

  /** Saved files copied into the replicas one at a time (Compose Watch's `sync`); said in the log. */
  async sync(dir: string, files: string[], copies: WatchCopy[], restart: boolean): Promise<void> {
    const started = Date.now();
    const list =
      files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
    const how = copies.length
      ? `copying into each replica in turn${restart ? ', then restarting it' : ''}`
      : 'restarting each replica in turn';
    this.sink.log('lab', `watch: ${list} changed: ${how}`);
    const synced = await this.lab.sync(dir, copies, restart);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    this.sink.log(
      'lab',
      `watch: ${synced.join(', ') || 'no replica'} serving the change (${seconds} s after it was seen)`,
    );
  }

  /** Builds the image, then starts the replicas; progress arrives as events. */
  async start(): Promise<void> {
    this.project.announce();
    this.buildAbort = new AbortController();
    this.build = { state: 'running', steps: [], message: null, durationMs: null };
    this.sink.changed();
    try {
      await this.runtime.build({ signal: this.buildAbort.signal });
      this.buildAbort = null;
      await this.runtime.up();
    } catch (error) {
      // Nothing is starting any more: "no live upstreams" is nginx's 502 again.
      this.lab.balancer.setUpstreamStarting(this.upstream, false);
      throw error;
    }
  }

  cancelBuild(): void {
    this.buildAbort?.abort();
  }

  /** A fault that undoes itself: `action` now, `restore` after `restoreAfterSec`. */
  async actionFor(backend: string, action: BackendAction, restoreAfterSec: number): Promise<void> {
    await this.action(backend, action);
    const timer = setTimeout(() => {
      this.restores.delete(backend);
      this.action(backend, 'restore').catch((error: Error) =>
        this.sink.log('lab', `${backend}: auto-restore failed: ${error.message}`, 'stderr'),
      );
    }, restoreAfterSec * 1000);
    timer.unref();
    this.restores.set(backend, { at: Date.now() + restoreAfterSec * 1000, timer });
    this.sink.changed();
  }

  async action(backend: string, action: BackendAction): Promise<void> {
    const { runtime } = this;
    if (action === 'restore') this.cancelRestore(backend);
    const balancer = this.lab.balancer;
    this.machines.get(backend)?.apply({ type: 'requested', action });
    this.sink.log('lab', `${backend}: ${action}`);
    switch (action) {
      case 'kill':
      case 'stop':
      case 'pause':
      case 'disconnect':
        this.timeline.fault(backend, FAULT_OF_ACTION[action] as 'killed', `${action} requested`);
        await runtime[action](backend);
        break;
      case 'restart':
        await runtime.restart(backend);
        break;
      case 'restore': {
        if (this.peer(backend)?.admin !== 'up') balancer.setPeerAdmin(this.upstream, backend, 'up');
        const { steps } = await runtime.restore(backend);
        this.stats.clearError(backend);
        this.timeline.restored(backend, steps.length ? steps.join(', ') : 'already running');
        break;
      }
      case 'drain':
      case 'maintenance':
        balancer.setPeerAdmin(this.upstream, backend, action);
        this.timeline.other(backend, 'drained', action);
        break;
    }
    this.sink.changed();
  }

  private cancelRestore(backend: string): void {
    const pending = this.restores.get(backend);
    if (pending) clearTimeout(pending.timer);
    this.restores.delete(backend);
  }

  setToxic(backend: string, toxic: Toxic | null): void {
    this.lab.balancer.setPeerToxic(this.upstream, backend, toxic);
    const what = toxic ? `toxic ${describeToxic(toxic)}` : 'toxic removed';
    this.sink.log('lab', `${backend}: ${what}`);
    this.timeline.toxic(backend, what);
  }

  /** Backends in rotation right now (for random faults). */
  upBackends(): string[] {
    return this.backends()
      .filter((b) => b.state === 'up')
      .map((b) => b.name);
  }

  setParams(
    backend: string,
    params: Partial<{ weight: number; maxFails: number; failTimeoutSec: number }>,
  ): void {
    const balancer = this.lab.balancer;
    if (params.weight !== undefined) balancer.setPeerWeight(this.upstream, backend, params.weight);
    if (params.maxFails !== undefined || params.failTimeoutSec !== undefined) {
      balancer.setPeerLimits(this.upstream, backend, params);
    }
  }

  private peer(name: string): PeerSnapshot | undefined {
    return this.lab.balancer
      .snapshot()
      .find((u) => u.name === this.upstream)
      ?.peers.find((p) => p.name === name);
  }

  backends(): BackendView[] {
    const upstream = this.lab.balancer.snapshot().find((u) => u.name === this.upstream);
    const peers = new Map((upstream?.peers ?? []).map((p) => [p.name, p]));
    const names = new Set([...this.machines.keys(), ...peers.keys()]);
    const recent = this.stats.recentTotal();
    return [...names].sort(byBackendOrder).map((name) => {
      const peer = peers.get(name);
      const machine = this.machines.get(name);
      const params = paramsFor(this.settings, name);
      const state = machine ? machine.state(peer) : peerState(peer);
      return {
        name,
        state,
        addr: peer && peer.addr !== '127.0.0.1:0' ? peer.addr : null,
        container: machine?.container ?? null,
        weight: peer?.weight ?? params.weight,
        maxFails: peer?.maxFails ?? params.maxFails,
        failTimeoutSec: peer?.failTimeoutSec ?? params.failTimeoutSec,
        backup: peer?.backup ?? params.backup,
        active: peer?.conns ?? 0,
        fails: peer?.fails ?? 0,
        inRotation: !!peer && !peer.offline && !peer.failed,
        failedUntil: peer?.failedUntilMs ?? null,
        toxic: peer?.toxic ? describeToxic(peer.toxic) : null,
        restoreAt: this.restores.get(name)?.at ?? null,
        version: this.versions.ofBackend(name),
        ...this.stats.view(name, recent),
        figures: this.figuresOf(name, state),
      };
    });
  }

  /** HAProxy's stats-page figures of a backend; its state as shown now goes into its history. */
  private figuresOf(name: string, state: BackendState): BackendFigures {
    this.history.observe(name, state);
    return {
      ...this.figures.of(name),
      check: checkText(this.lab.balancer.lastCheck(this.upstream, name)),
      downtimeMs: this.history.downtimeMs(name),
      lastChangeAt: this.history.lastChangeAt(name),
      container: this.runtime.containers?.facts(name) ?? null,
    };
  }

  private follow(): void {
    const { events } = this.runtime;
    const sink = this.sink;
    const on: typeof events.on = (event, listener) => {
      const off = events.on(event, listener);
      this.offs.push(off);
      return off;
    };
    on('build:step', ({ index, total, instruction }) => {
      for (const step of this.build.steps) if (step.state === 'running') step.state = 'done';
      // The engine appends the build's labels as a last LABEL step: ours, not the student's.
      const ours = /^LABEL\b.*\bupstream-lab\./.test(instruction);
      this.build.steps.push({ index, total, instruction, state: 'running', ours });
      sink.log(
        'lab',
        `build: step ${index}/${total} ${instruction}${ours ? ' (added by Upstream Lab)' : ''}`,
      );
      sink.changed();
    });
    on('build:done', ({ imageId, tag, steps, cachedSteps, durationMs, baseImages, note }) => {
      if (note === undefined) this.builtImage = { name: `${tag} (${shortImage(imageId)})`, baseImages };
      for (const step of this.build.steps) step.state = 'done';
      const summary =
        note ?? (steps === 0 ? `${tag} is up to date` : `${tag}: ${cachedSteps} of ${steps} steps cached`);
      this.build = { ...this.build, state: 'done', durationMs, message: summary };
      sink.log('lab', `build: ${summary} (${(durationMs / 1000).toFixed(1)} s)`);
      sink.changed();
    });
    on('build:failed', ({ message, step, cancelled }) => {
      const failing = this.build.steps.find((s) => s.index === step?.index) ?? this.build.steps.at(-1);
      if (failing && !cancelled) failing.state = 'failed';
      this.build = { ...this.build, state: cancelled ? 'cancelled' : 'failed', message };
      // The message itself is the lab's error, printed once by whoever shows it.
      sink.log(
        'lab',
        cancelled
          ? 'build: cancelled'
          : `build: failed${failing ? ` at step ${failing.index}/${failing.total}` : ''}`,
        'stderr',
      );
      sink.changed();
    });
    on('replica:replacing', ({ name }) => {
      this.replacing.add(name);
      this.timeline.other(name, 'replacing', 'new version starting beside the old one');
    });
    on('replica:replaced', ({ name, image }) => {
      sink.log('lab', `${name}: old version drained and removed; ${shortImage(image)} serves`);
      this.timeline.other(name, 'replaced', `old version drained and removed`);
      sink.changed();
    });
    on('replica:created', ({ name, container }) => {
      // The new version of a replica being replaced: the old one still serves under its name.
      if (this.replacing.has(name)) {
        sink.log('lab', `${name}: created ${container} (new version)`);
        return;
      }
      // Created anew (a restore of a removed container, a scale up after a scale down): fresh figures.
      this.stats.forget(name);
      this.figures.forget(name);
      this.toMachine(name, { type: 'created', container }, `created ${container}`);
    });
    on('replica:adopted', ({ name, container }) =>
      this.toMachine(name, { type: 'adopted', container }, `adopted ${container}`),
    );
    on('replica:ready', ({ name, container, host, port, imageId }) => {
      this.replacing.delete(name);
      this.versions.serve(name, formatAddr({ host, port }), imageId);
      this.toMachine(name, { type: 'ready', container }, `ready at ${host}:${port}`);
    });
    on('replica:down', ({ name, container, reason, exitCode }) => {
      this.toMachine(
        name,
        { type: 'down', container, reason, ...(exitCode !== undefined ? { exitCode } : {}) },
        `down (${reason}${exitCode !== undefined ? `, exit code ${exitCode}` : ''})`,
      );
      const peer = this.peer(name);
      if (this.settings.failureDetection === 'engine')
        this.timeline.markedFailed(name, `out of rotation: ${reason} (engine-aware detection)`);
      else if (peer && !peer.failed && !peer.offline)
        this.timeline.engineReported(
          name,
          `Docker: ${reason}; balancer: still in rotation, ${peer.fails}/${peer.maxFails} fails`,
        );
    });
    on('replica:removed', ({ name }) => {
      this.machines.delete(name);
      this.versions.forget(name);
      this.history.forget(name);
      sink.log('lab', `${name}: removed`);
      this.timeline.other(name, 'left', 'removed');
      sink.changed();
    });
    on('log', (entry: LogEntry) => sink.log(entry.source, entry.line, entry.stream, Date.parse(entry.time)));
    this.project.follow(this.runtime);
    on('warning', ({ message }) => sink.log('lab', `warning: ${message}`, 'stderr'));
  }

  private toMachine(name: string, input: BackendInput, message: string): void {
    let machine = this.machines.get(name);
    if (!machine) this.machines.set(name, (machine = new BackendMachine()));
    machine.apply(input);
    // Its state changes now, not when the view is next built: the downtime counts from here.
    this.backends();
    this.sink.log('lab', `${name}: ${message}`);
    this.sink.changed();
  }

  private onRecords(batch: readonly RequestRecord[]): void {
    this.versions.add(batch);
    this.figures.add(batch);
    this.sink.requests(this.stats.add(batch, (record) => this.versions.ofRecord(record)));
    this.timeline.records(batch);
    this.passiveVerdicts();
    for (const record of batch)
      if (!record.accessLogOff) this.sink.log('access', accessLogLine(record), 'stdout', record.time);
  }

  /** nginx's own verdict on a faulted backend: max_fails failed attempts within fail_timeout. */
  private passiveVerdicts(): void {
    for (const name of this.timeline.awaitingVerdict()) {
      const peer = this.peer(name);
      if (!peer?.failed) continue;
      this.timeline.markedFailed(
        name,
        `balancer: ${peer.fails}/${peer.maxFails} fails within fail_timeout=${peer.failTimeoutSec}s; ` +
          `out of rotation for ${peer.failTimeoutSec} s, then one probe`,
      );
    }
  }

  private onPeers(peers: PeerSnapshot[], reason: string): void {
    if (reason === 'unhealthy')
      for (const p of peers) if (!p.healthy) this.timeline.markedFailed(p.name, 'taken out of rotation');
    this.backends();
    this.sink.changed();
  }

  /** Stops the balancer and removes the lab's replicas. */
  async stop(): Promise<void> {
    this.cancelBuild();
    for (const backend of [...this.restores.keys()]) this.cancelRestore(backend);
    clearInterval(this.metricsTimer);
    for (const off of this.offs.splice(0)) off();
    this.project.close();
    await this.lab.down();
  }
}

/** `sha256:0123456789ab...` → `0123456789ab`. */
function shortImage(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

function urlOf(address: { host: string; port: number }): string {
  return `http://${formatAddr(address)}`;
}

export function describeToxic(toxic: Toxic): string {
  switch (toxic.kind) {
    case 'latency':
      return `latency ${toxic.ms}±${toxic.jitterMs} ms`;
    case 'bandwidth':
      return `bandwidth ${toxic.kbps} KB/s`;
    default:
      return toxic.kind;
  }
}
