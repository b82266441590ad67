import type {
  ApiEvents,
  BackendAction,
  ChaosOptions,
  CommandName,
  CommandResult,
  ConfigImportResult,
  EngineView,
  ExportedFile,
  LabSettings,
  LabView,
  LogLine,
  RequestSample,
  TrafficOptions,
} from '../api/contract';
import { labSettings } from '../api/contract';
import type { ProxyConfig } from '../balancer/config';
import { DEFAULT_LISTEN } from '../lab/default-config';
import type { NetworkProbe } from '../prepare/network-probe';
import type { Toxic } from '../balancer/toxic';
import { RandomFaults } from '../chaos/random-faults';
import { DemoRuntime } from '../demo/demo-runtime';
import { SAMPLE_BACKEND } from '../lab/sample';
import { createLab, Engine, EngineError, findLeftoverLabs, type LeftoverLab } from '../docker';
import { removeLeftoverLab } from '../docker/leftovers';
import type { ProjectPlan } from '../project/plan';
import { loadProject } from './project-loader';
import { namingReplicas } from '../project/compose-plan';
import { projectView } from './project-tracker';
import { availableListen } from './listen-choice';
import { Emitter } from '../events/emitter';
import { reportEachOnce } from '../events/listener-error';
import type { Runtime } from '../lab/runtime';
import { RingBuffer } from '../logs/ring';
import { ConfigError, parseAnyNginxConfig } from '../nginx';
import type { ExportFormat } from '../export';
import { formatDiagnostic } from '../nginx/errors';
import { DEFAULT_SETTINGS, labConfig, settingsFromConfig } from './lab-config';
import { LabSession } from './session';
import { EventBatcher } from './event-batcher';
import type { PrometheusMetrics } from './prometheus';
import { TrafficControl } from './traffic-control';
import { LabPersistence, type SavedLab } from './persistence';
import { RunRecorder } from './run-recorder';
import type { BackendTotals, RunRecord } from '../state/lab-record';
import { LabStore } from '../state/lab-store';
import { defaultStateDir } from '../state/state-dir';

const LOG_CAPACITY = 20_000;

export interface AppOptions {
  settings?: Partial<LabSettings>;
  /** Where labs are saved; null = nothing is saved (default: defaultStateDir()). */
  stateDir?: string | null;
  /** For tests and the CLI: how to reach Docker (default: DOCKER_HOST, context, default socket). */
  engine?: () => Engine;
  /** Whether registries and package indexes answer (default: ask them; tests answer "unreachable"). */
  probe?: NetworkProbe;
}

type Handlers = { [C in CommandName]: (input: never) => Promise<CommandResult<C>> };

/**
 * The composition root: owns the settings, the Docker engine connection and the running lab
 * session; carries out commands and emits the API's events. Electron's IPC and the headless
 * WebSocket server are two transports over this one object.
 */
export class App {
  readonly events = new Emitter<ApiEvents>();
  private settings: LabSettings;
  private session: LabSession | null = null;
  private state: LabView['state'] = 'idle';
  private error: string | null = null;
  private engine: Engine | null = null;
  private engineView: EngineView = { state: 'unknown', message: null, version: null };
  private imported: { config: ProxyConfig; text: string; file: string } | null = null;
  private recorder: RunRecorder | null = null;
  private readonly persistence: LabPersistence;
  private runTimer: NodeJS.Timeout | null = null;
  private leftovers: LeftoverLab[] = [];
  private readonly logs = new RingBuffer<LogLine>(LOG_CAPACITY);
  private readonly batcher: EventBatcher;
  private readonly traffic: TrafficControl;
  private readonly chaos: RandomFaults;
  private prometheus: PrometheusMetrics | null = null;
  private readonly stateDir: string | null;

  constructor(private readonly options: AppOptions = {}) {
    this.settings = labSettings.parse({ ...DEFAULT_SETTINGS, ...options.settings });
    this.batcher = new EventBatcher(this.events, () => this.view());
    this.events.onListenerError = reportEachOnce((message, event) => {
      this.log('lab', message, 'stderr');
      if (event !== 'notice') this.notice('error', message);
    });
    const stateDir = (this.stateDir = options.stateDir === undefined ? defaultStateDir() : options.stateDir);
    this.persistence = new LabPersistence(
      stateDir === null ? null : new LabStore(stateDir),
      () => ({ lab: this.savedLab(), run: this.runSnapshot(false) }),
      (message) => this.notice('warning', message),
    );
    this.traffic = new TrafficControl(() => this.batcher.changed());
    this.chaos = new RandomFaults(
      {
        candidates: () => this.session?.upBackends() ?? [],
        fault: (backend, action, after) => this.requireSession().actionFor(backend, action, after),
      },
      () => this.batcher.changed(),
    );
  }

  /** Runs a command whose input was already validated at the transport's edge. */
  call<C extends CommandName>(command: C, input: unknown): Promise<CommandResult<C>> {
    const handler = this.handlers[command] as (input: unknown) => Promise<CommandResult<C>>;
    return handler(input);
  }

  private readonly handlers: Handlers = {
    'lab.get': async () => this.view(),
    'lab.start': async (input: Partial<LabSettings>) => this.start(input),
    'lab.stop': async () => {
      await this.stopSession();
      return this.view();
    },
    'lab.scale': async ({ replicas }: { replicas: number }) => {
      this.settings = { ...this.settings, replicas };
      this.persistence.saveSoon();
      await this.session?.runtime.scale(replicas);
      return this.view();
    },
    'build.cancel': async () => {
      this.session?.cancelBuild();
      return this.view();
    },
    'backend.action': async ({
      backend,
      action,
      restoreAfterSec,
    }: {
      backend: string;
      action: BackendAction;
      restoreAfterSec?: number;
    }) => {
      const session = this.requireSession();
      if (restoreAfterSec !== undefined && action !== 'restore')
        await session.actionFor(backend, action, restoreAfterSec);
      else await session.action(backend, action);
      return this.view();
    },
    'backend.toxic': async ({ backend, toxic }: { backend: string; toxic: Toxic | null }) => {
      this.requireSession().setToxic(backend, toxic);
      return this.view();
    },
    'chaos.start': async (options: ChaosOptions) => {
      this.requireSession();
      this.chaos.start(options);
      return this.view();
    },
    'chaos.stop': async () => {
      this.chaos.stop();
      return this.view();
    },
    'backend.set': async ({
      backend,
      params,
    }: {
      backend: string;
      params: Partial<LabSettings['defaults']>;
    }) => {
      const current = this.settings.backends[backend] ?? {};
      this.settings = {
        ...this.settings,
        backends: { ...this.settings.backends, [backend]: { ...current, ...params } },
      };
      if (params.backup !== undefined)
        this.notice('info', `backup takes effect when the lab is next started`);
      this.session?.setParams(backend, params);
      this.persistence.saveSoon();
      this.batcher.changed();
      return this.view();
    },
    'config.import': async ({ text, file }: { text: string; file: string }) => this.importConfig(text, file),
    'config.export': async ({ format }: { format: ExportFormat }) => this.exportConfig(format),
    'traffic.start': async (input: TrafficOptions) => {
      const url = this.session?.url;
      if (!url) throw new Error('start the lab first: traffic goes to its balancer');
      await this.traffic.start(url, input);
      return this.view();
    },
    'traffic.stop': async () => {
      await this.traffic.stop();
      return this.view();
    },
    'leftovers.scan': async () => {
      await this.scanLeftovers();
      return this.view();
    },
    'leftovers.adopt': async ({ lab }: { lab: string }) => {
      this.leftovers = this.leftovers.filter((l) => l.lab !== lab);
      return this.start({ lab, runtime: 'docker' });
    },
    'leftovers.remove': async ({ lab }: { lab: string }) => {
      if (this.session && this.settings.lab === lab)
        throw new Error(`lab "${lab}" is running: stop it instead`);
      const engine = await this.connectEngine();
      await removeLeftoverLab(engine.docker, lab, { stateDir: this.stateDir });
      this.log('lab', `removed the leftovers of lab "${lab}"`);
      await this.scanLeftovers();
      return this.view();
    },
    'logs.backlog': async ({ limit }: { limit: number }) => this.logs.toArray().slice(-limit),
    'project.inspect': async (input: Partial<LabSettings>) => {
      const settings = labSettings.parse({ ...this.settings, ...input });
      if (settings.runtime === 'demo') return { project: null, error: null };
      try {
        const plan = await loadProject(settings, settings.project || SAMPLE_BACKEND, input.replicas);
        return { project: projectView(plan), error: null };
      } catch (error) {
        return { project: null, error: (error as Error).message };
      }
    },
    'engine.retry': async () => {
      await this.connectEngine();
      return this.view();
    },
  };

  /** The lab's figures in Prometheus text format (prom-client is loaded on the first scrape). */
  async metrics(): Promise<{ contentType: string; text: string }> {
    if (!this.prometheus) {
      const { PrometheusMetrics } = await import('./prometheus');
      this.prometheus = new PrometheusMetrics(
        () => this.view(),
        () => this.session?.stats ?? null,
      );
    }
    return { contentType: this.prometheus.contentType, text: await this.prometheus.text() };
  }

  /** Loads the saved lab `lab` (default: the current one), if any: its settings and imported config. */
  async restore(lab = this.settings.lab): Promise<void> {
    const record = await this.persistence.restore(lab);
    if (!record) return;
    this.settings = labSettings.parse({ ...record.settings, ...this.options.settings });
    if (record.importedConfig) {
      const { text, file } = record.importedConfig;
      this.imported = { config: parseAnyNginxConfig(text, file).config, text, file };
    }
    this.batcher.changed();
  }

  /** Finds labs an earlier run left on the engine (by label); quietly nothing without Docker. */
  private async scanLeftovers(): Promise<void> {
    if (this.settings.runtime !== 'docker') return;
    let engine: Engine;
    try {
      engine = await this.connectEngine();
    } catch {
      this.leftovers = [];
      return;
    }
    const running = this.session ? this.settings.lab : null;
    this.leftovers = (await findLeftoverLabs(engine.docker, { stateDir: this.stateDir })).filter(
      (l) => l.lab !== running,
    );
    for (const { lab, containers, running: up } of this.leftovers) {
      this.notice(
        'warning',
        `lab "${lab}" left ${containers} container(s) (${up} running) from an earlier run: adopt or remove them`,
      );
    }
    this.batcher.changed();
  }

  private savedLab(): SavedLab {
    return {
      settings: this.settings,
      importedConfig: this.imported ? { text: this.imported.text, file: this.imported.file } : null,
    };
  }

  private runSnapshot(ended: boolean): RunRecord | null {
    const recorder = this.recorder;
    if (!recorder) return null;
    const session = this.session;
    const totals: BackendTotals[] = (session?.backends() ?? []).map((b) => ({
      name: b.name,
      requests: b.requests,
      failedAttempts: session?.stats.failedAttempts(b.name) ?? 0,
      avgMs: b.avgMs,
      p95Ms: b.p95Ms,
      weight: b.weight,
      maxFails: b.maxFails,
      failTimeoutSec: b.failTimeoutSec,
      backup: b.backup,
    }));
    return recorder.snapshot(totals.length ? totals : recorder.run.backends, this.traffic.last, ended);
  }

  private requireSession(): LabSession {
    if (!this.session) throw new Error('no lab is running: start one first');
    return this.session;
  }

  private async start(input: Partial<LabSettings>): Promise<LabView> {
    if (this.session) await this.stopSession();
    this.settings = labSettings.parse({ ...this.settings, ...input });
    this.error = null;
    this.setState('starting');
    let runtime: Runtime;
    let plan: ProjectPlan | null;
    let listen: string;
    try {
      ({ runtime, plan } = await this.createRuntime(input.replicas ?? this.options.settings?.replicas));
      listen = await this.chooseListen(plan);
    } catch (error) {
      return this.fail(error);
    }
    const session = new LabSession(
      this.settings,
      runtime,
      labConfig(
        this.settings,
        (this.imported && plan ? namingReplicas(this.imported.config, plan) : this.imported?.config) ??
          plan?.balancer?.config ??
          null,
        listen,
      ),
      {
        log: (source, text, stream, time) => this.log(source, text, stream, time),
        notice: (level, message) => this.notice(level, message),
        requests: (samples: RequestSample[]) => this.batcher.requests(samples),
        metrics: (sample) => {
          this.recorder?.metrics(sample);
          this.events.emit('metrics', sample);
        },
        timeline: (event) => {
          this.recorder?.timeline(event);
          this.events.emit('timeline', event);
        },
        changed: () => this.batcher.changed(),
      },
      plan,
    );
    this.session = session;
    try {
      await session.listen();
    } catch (error) {
      this.session = null;
      await session.stop().catch(() => undefined);
      return this.fail(error);
    }
    this.recorder = new RunRecorder(session.url, null);
    this.runTimer = setInterval(() => void this.persistence.saveNow(), 10_000);
    this.runTimer.unref();
    void this.persistence.saveNow();
    this.setState('building');
    void session
      .start()
      .then(() => {
        if (this.session === session) this.setState('running');
      })
      .catch((error: Error) => {
        if (this.session === session) this.fail(error);
      });
    return this.view();
  }

  /** The runtime for the settings; `replicas` when the user chose a count (else the project's own). */
  private async createRuntime(replicas?: number): Promise<{ runtime: Runtime; plan: ProjectPlan | null }> {
    const { settings } = this;
    if (settings.runtime === 'demo')
      return { runtime: new DemoRuntime(settings.lab, settings.replicas), plan: null };
    const engine = await this.connectEngine();
    const plan = await loadProject(settings, settings.project || SAMPLE_BACKEND, replicas);
    this.settings = { ...this.settings, replicas: Math.min(20, Math.max(1, plan.replicas.length)) };
    const runtime = createLab({
      lab: settings.lab,
      project: plan.dir,
      replicas: plan.replicas.length,
      docker: engine.docker,
      stateDir: this.stateDir,
      plan,
      offline: settings.offline,
      registryMirrors: settings.registryMirrors,
      ...(settings.pipIndex ? { pipIndex: settings.pipIndex } : {}),
      ...(settings.wheelhouse ? { wheelhouse: settings.wheelhouse } : {}),
      ...(settings.baseImage ? { baseImage: settings.baseImage } : {}),
      ...(settings.readyPath ? { readyPath: settings.readyPath } : {}),
      ...(this.options.probe ? { probe: this.options.probe } : {}),
    });
    return { runtime, plan };
  }

  /**
   * The settings' listen address; when left empty, the port the project's nginx service is
   * published on (80 → 8080 when it cannot be bound here, said so), else 127.0.0.1:8080.
   */
  private async chooseListen(plan: ProjectPlan | null): Promise<string> {
    if (this.settings.listen) return this.settings.listen;
    const port = plan?.balancer?.port;
    if (!port) return DEFAULT_LISTEN;
    const wanted = `127.0.0.1:${port}`;
    const chosen = await availableListen(wanted, DEFAULT_LISTEN);
    if (chosen !== wanted)
      this.log(
        'lab',
        `${plan.balancer!.service} publishes port ${port}, which cannot be bound here: listening on ${chosen} instead`,
      );
    return chosen;
  }

  /** Connects (or reconnects) to Docker; on failure the engine view says why and what to do. */
  private async connectEngine(): Promise<Engine> {
    if (!this.engine) {
      this.engine = this.options.engine?.() ?? new Engine();
      this.followEngine(this.engine);
    }
    const engine = this.engine;
    try {
      const info = await engine.connect();
      this.engineView = { state: 'connected', message: null, version: info.version };
      engine.watch();
      return engine;
    } catch (error) {
      const message = error instanceof EngineError ? error.message : (error as Error).message;
      this.engineView = { state: 'disconnected', message, version: null };
      this.notice(
        'error',
        `Docker is not reachable: ${message} Or choose the demo runtime: built-in backends, no Docker needed.`,
      );
      throw error;
    }
  }

  /** Keeps the engine view current; after the engine comes back, re-adopts the running lab. */
  private followEngine(engine: Engine): void {
    engine.events.on('disconnected', ({ error }) => {
      this.engineView = { state: 'disconnected', message: error.message, version: null };
      this.log('lab', `engine: disconnected: ${error.message}`, 'stderr');
      this.batcher.changed();
    });
    engine.events.on('connected', ({ info, reconnected }) => {
      this.engineView = { state: 'connected', message: null, version: info.version };
      if (reconnected) this.readopt();
      this.batcher.changed();
    });
  }

  private readopt(): void {
    const runtime = this.session?.runtime;
    if (!runtime) return;
    this.log('lab', 'engine: reconnected, re-adopting the lab');
    void runtime
      .adopt()
      .catch((error: Error) => this.log('lab', `engine: re-adopt failed: ${error.message}`, 'stderr'));
  }

  private async stopSession(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.chaos.stop();
    await this.traffic.stop();
    this.setState('stopping');
    if (this.runTimer) clearInterval(this.runTimer);
    this.runTimer = null;
    this.runSnapshot(true);
    this.session = null;
    await session.stop();
    await this.persistence.saveNow();
    this.setState('idle');
  }

  private importConfig(text: string, file: string): ConfigImportResult {
    try {
      const { config, warnings } = parseAnyNginxConfig(text, file);
      this.imported = { config, text, file };
      this.settings = settingsFromConfig(this.settings, config);
      this.persistence.saveSoon();
      this.batcher.changed();
      if (this.session) this.notice('info', 'the imported config takes effect when the lab is next started');
      return { ok: true, error: null, warnings: warnings.map(formatDiagnostic) };
    } catch (error) {
      if (error instanceof ConfigError) {
        return {
          ok: false,
          error: { file: error.file, line: error.line, col: error.col, message: error.reason },
          warnings: [],
        };
      }
      throw error;
    }
  }

  private async exportConfig(format: ExportFormat): Promise<ExportedFile> {
    const { lab, run } = { lab: this.savedLab(), run: this.runSnapshot(false) };
    const { exportLab } = await import('../export');
    return exportLab({ version: 1, ...lab, lastRun: run, savedAt: Date.now() }, format);
  }

  private fail(error: unknown): LabView {
    this.error = (error as Error).message;
    this.setState('error');
    this.log('lab', `error: ${this.error}`, 'stderr');
    return this.view();
  }

  private setState(state: LabView['state']): void {
    this.state = state;
    this.batcher.changed();
  }

  private notice(level: 'info' | 'warning' | 'error', message: string): void {
    this.events.emit('notice', { level, message });
  }

  log(source: string, text: string, stream: 'stdout' | 'stderr' = 'stdout', time = Date.now()): void {
    const line: LogLine = { seq: this.logs.total, time, source, stream, text };
    this.logs.push(line);
    this.batcher.log(line);
  }

  view(): LabView {
    const session = this.session;
    return {
      state: this.state,
      error: this.error,
      settings: this.settings,
      engine: this.engineView,
      url: session?.url ?? null,
      upstream: session?.upstream ?? null,
      backends: session?.backends() ?? [],
      build: session?.build ?? { state: 'idle', steps: [], message: null, durationMs: null },
      traffic: this.traffic.view,
      chaos: this.chaos.view,
      leftovers: this.leftovers,
      project: session?.project.view ?? null,
    };
  }

  async close(): Promise<void> {
    await this.stopSession();
    this.engine?.close();
    this.batcher.close();
  }
}
