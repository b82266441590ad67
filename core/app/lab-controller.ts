import type {
  BackendParams,
  ConfigImportResult,
  ContainerSamples,
  ExportedFile,
  LabSettings,
  LabView,
  MetricsSample,
  RequestSample,
  TimelineEvent,
} from '../api/contract';
import { labSettings } from '../api/contract';
import type { ProxyConfig } from '../balancer/config';
import { DemoRuntime } from '../demo/demo-runtime';
import { createLab } from '../docker';
import type { MigrationRecord } from '../docker/lab-dependencies';
import type { ExportFormat } from '../export';
import { DEFAULT_LISTEN } from '../lab/default-config';
import type { Runtime } from '../lab/runtime';
import { SAMPLE_BACKEND } from '../lab/sample';
import { ConfigError, parseAnyNginxConfig } from '../nginx';
import { formatDiagnostic } from '../nginx/errors';
import type { NetworkProbe } from '../prepare/network-probe';
import { namingReplicas } from '../project/compose-plan';
import type { ProjectPlan } from '../project/plan';
import type { BackendTotals, RunRecord } from '../state/lab-record';
import type { AppSink } from './app-sink';
import type { EngineLink } from './engine-link';
import { labConfig, paramsFor, settingsFromConfig } from './lab-config';
import { describeLiveChanges, restartNeededFor } from './live-settings';
import { availableListen } from './listen-choice';
import type { LabPersistence, SavedLab } from './persistence';
import { loadProject } from './project-loader';
import { RunRecorder } from './run-recorder';
import { LabSession } from './session';
import { backendName } from '../lab/backend-name';
import type { RolloutWaves } from '../lab/balanced-lab';
import type { WatchRule } from '../compose/types';
import type { WatchCopy } from '../project/project-watch';

/** How a backend parameter is said in the lab log (nginx's words). */
const PARAM_WORDS: Record<string, string> = {
  weight: 'weight',
  maxFails: 'max_fails',
  failTimeoutSec: 'fail_timeout (s)',
  backup: 'backup',
};

export interface LabControllerOptions {
  settings: LabSettings;
  /** What the caller fixed (CLI flags): wins over a restored lab's settings. */
  fixed: Partial<LabSettings>;
  engine: EngineLink;
  probe?: NetworkProbe;
  /** Where lock files go (locks/<lab>.lock); null: the engine's owner record only. */
  stateDir: string | null;
  /** Where the last migrated database is remembered (none: `migrate` on every start). */
  migrations?: MigrationRecord;
  sink: AppSink;
  requests: (samples: RequestSample[]) => void;
  metrics: (sample: MetricsSample) => void;
  timeline: (event: TimelineEvent) => void;
  containers: (samples: ContainerSamples) => void;
  /** The traffic generator's last summary, for the run record. */
  /** The traffic generator's finished runs, oldest first (core/traffic TrafficSummary). */
  trafficRuns: () => ReadonlyArray<{ startedAt: number }>;
  /** What must end before the lab stops (the traffic generator, random faults). */
  beforeStop: () => Promise<void>;
}

/**
 * The lab: its settings, its imported nginx.conf and its running session (one at most), with
 * what starts, stops, scales and reconfigures it. Called only from commands, one at a time.
 */
export class LabController {
  #settings: LabSettings;
  #session: LabSession | null = null;
  #state: LabView['state'] = 'idle';
  #error: string | null = null;
  #imported: { config: ProxyConfig; text: string; file: string } | null = null;
  #recorder: RunRecorder | null = null;
  #runTimer: NodeJS.Timeout | null = null;
  #persistence: LabPersistence | null = null;
  /** The running session's project and the address it was given (a reload keeps both). */
  #plan: ProjectPlan | null = null;
  #listen = '';

  constructor(private readonly o: LabControllerOptions) {
    this.#settings = o.settings;
  }

  /** Set once by the App (the persistence reads this controller's snapshot). */
  persistWith(persistence: LabPersistence): void {
    this.#persistence = persistence;
  }

  get settings(): LabSettings {
    return this.#settings;
  }

  get session(): LabSession | null {
    return this.#session;
  }

  /** The running lab's name, or null. */
  get running(): string | null {
    return this.#session ? this.#settings.lab : null;
  }

  /** `building` ends with the build: then the lab is `starting` (its replicas awaited until ready). */
  get state(): LabView['state'] {
    if (this.#state === 'building' && this.#session?.build.state === 'done') return 'starting';
    return this.#state;
  }

  get error(): string | null {
    return this.#error;
  }

  requireSession(): LabSession {
    if (!this.#session) throw new Error('no lab is running: start one first');
    return this.#session;
  }

  /**
   * Starts a lab with `input` over the current settings. A running lab whose replicas would run
   * the same (only the method, the backends' parameters, the count or the address change) is
   * changed in place, as `nginx -s reload` does; with nothing changed it is rebuilt and rolled
   * over to the new image (the project changed on disk); otherwise it is stopped and started again.
   */
  async start(input: Partial<LabSettings>): Promise<void> {
    const settings = labSettings.parse({ ...this.#settings, ...input });
    if (this.#session && (this.#state === 'running' || this.#state === 'updating')) {
      // The same settings again mean "build again" (the project changed on disk): a rollout.
      const same = JSON.stringify(settings) === JSON.stringify(this.#settings);
      if (same && this.#state === 'running') return this.rollout();
      if (!same && restartNeededFor(this.#settings, settings).length === 0) return this.#applyLive(settings);
    }
    await this.stop();
    this.#settings = settings;
    this.#error = null;
    this.#setState('starting');
    let runtime: Runtime;
    let plan: ProjectPlan | null;
    let listen: string;
    try {
      ({ runtime, plan } = await this.#createRuntime(input.replicas ?? this.o.fixed.replicas));
      listen = await this.#chooseListen(plan);
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#plan = plan;
    this.#listen = listen;
    const session = this.#newSession(runtime, plan, listen);
    this.#session = session;
    try {
      await session.listen();
    } catch (error) {
      this.#session = null;
      await session.stop().catch(() => undefined);
      this.#fail(error);
      return;
    }
    this.#recorder = new RunRecorder(session.url);
    this.#runTimer = setInterval(() => void this.#persistence?.saveNow(), 10_000);
    this.#runTimer.unref();
    void this.#persistence?.saveNow();
    this.#setState('building');
    void session
      .start()
      .then(() => {
        if (this.#session === session) this.#setState('running');
      })
      .catch((error: Error) => {
        if (this.#session === session) this.#fail(error);
      });
  }

  /**
   * Build first, replace after: the running lab's image is rebuilt while its replicas serve, then
   * they are replaced in waves (one at a time, start-first, by default). A failed build or a new
   * replica that is not ready leaves the lab running what it ran, and says why.
   */
  async rollout(waves: RolloutWaves = {}): Promise<void> {
    if (this.#session?.canary.view)
      throw new Error('a canary is running: promote it (a rolling update of the rest) or roll it back');
    this.#checkWaves(waves);
    this.#inBackground('rollout', (session) => session.rollout(waves));
  }

  /** Build first, then `replicas` of the new version beside the others, at `percent` of the requests. */
  async startCanary(percent: number, replicas: number): Promise<void> {
    if (this.#session?.canary.view)
      throw new Error('a canary is running already: promote it or roll it back');
    this.#inBackground('canary', (session) => session.canary.start(percent, replicas));
  }

  async promoteCanary(waves: RolloutWaves = {}): Promise<void> {
    this.#requireCanary();
    this.#checkWaves(waves);
    this.#inBackground('promote', (session) => session.canary.promote(waves));
  }

  async rollbackCanary(): Promise<void> {
    this.#requireCanary();
    this.#inBackground('rollback', (session) => session.canary.rollback());
  }

  #requireCanary(): void {
    if (this.requireSession().canary.view?.state !== 'running') throw new Error('no canary is running');
  }

  /** Stop-first waves as large as the lab would leave nothing serving. */
  #checkWaves({ maxUnavailable = 0 }: RolloutWaves): void {
    const replicas = this.#settings.replicas;
    if (maxUnavailable >= replicas)
      throw new Error(
        `max unavailable ${maxUnavailable} would take all ${replicas} replica(s) out at once: use at most ${replicas - 1}`,
      );
  }

  /** As a start's build, an update goes on in the background (state `updating`): the command only begins it. */
  #inBackground(what: string, work: (session: LabSession) => Promise<void>): void {
    const session = this.requireSession();
    if (this.#state !== 'running') throw new Error(`the lab is ${this.#state}: a ${what} needs it running`);
    this.#setState('updating');
    void work(session)
      .catch((error: Error) => {
        if (this.#session !== session) return;
        this.o.sink.log('lab', `${what}: ${error.message}`, 'stderr');
        this.o.sink.notice('warning', `${what} stopped: ${error.message}`);
      })
      .finally(() => {
        if (this.#session === session) this.#setState('running');
      });
  }

  /** The running lab's project folder when Docker builds it (the demo backends have none). */
  get projectDir(): string | null {
    return this.#session && this.#settings.runtime === 'docker' ? (this.#plan?.dir ?? null) : null;
  }

  /** Saved files copied into the running replicas, one at a time (the watch's `sync`). */
  /** The running project's compose `develop.watch` rules (its app service's), if any. */
  get watchRules(): WatchRule[] {
    return this.#plan?.replicas[0]?.watch ?? [];
  }

  async sync(files: string[], copies: WatchCopy[], restart: boolean): Promise<void> {
    const session = this.requireSession();
    const dir = this.projectDir;
    if (!dir) throw new Error('syncing files needs a project run by Docker');
    if (this.#state !== 'running') {
      this.o.sink.log(
        'lab',
        `watch: ${files.join(', ')} changed while the lab is ${this.#state}: save again once it runs`,
      );
      return;
    }
    await session.sync(dir, files, copies, restart);
  }

  /** The running lab takes `settings` without a container being recreated; the traffic goes on. */
  async #applyLive(settings: LabSettings): Promise<void> {
    const session = this.#session!;
    const before = this.#settings;
    const changes = describeLiveChanges(
      before,
      settings,
      session.backends().map((b) => b.name),
    );
    await this.#reload(settings, changes.join('; ') || 'the settings');
    if (settings.replicas !== before.replicas) await this.scale(settings.replicas);
  }

  /** Reloads the running session's balancer with `settings` (and the imported config); said in the log and timeline. */
  async #reload(settings: LabSettings, what: string): Promise<void> {
    const session = this.#session!;
    const listen = settings.listen || this.#listen;
    await session.reconfigure(settings, labConfig(settings, this.#labConfigSource(this.#plan), listen), what);
    this.#settings = settings;
    this.#listen = listen;
    this.#persistence?.saveSoon();
    this.o.sink.changed();
  }

  async stop(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    await this.o.beforeStop();
    this.#setState('stopping');
    if (this.#runTimer) clearInterval(this.#runTimer);
    this.#runTimer = null;
    this.runSnapshot(true);
    this.#session = null;
    await session.stop();
    await this.#persistence?.saveNow();
    this.#setState('idle');
  }

  /** The running lab scales first; the setting changes only when that worked. */
  async scale(replicas: number): Promise<void> {
    await this.#session?.runtime.scale(replicas);
    this.#settings = { ...this.#settings, replicas };
    this.#persistence?.saveSoon();
    this.o.sink.changed();
  }

  /** A backend's upstream parameters; `backend` must be one of the lab's. */
  async setBackend(backend: string, params: Partial<BackendParams>): Promise<void> {
    const known = this.#session
      ? this.#session.backends().map((b) => b.name)
      : Array.from({ length: this.#settings.replicas }, (_, i) => backendName(i + 1));
    if (!known.includes(backend))
      throw new Error(
        `${backend} is not a backend of lab "${this.#settings.lab}" (${known.join(', ') || 'none'})`,
      );
    const current = this.#settings.backends[backend] ?? {};
    const settings = {
      ...this.#settings,
      backends: { ...this.#settings.backends, [backend]: { ...current, ...params } },
    };
    // A backup server moves to the other group: a reload (weights and limits change in place).
    if (params.backup !== undefined && this.#session) {
      await this.#reload(settings, `${backend} backup ${params.backup ? 'on' : 'off'}`);
      return;
    }
    this.#settings = settings;
    this.#session?.setParams(backend, params);
    const said = Object.entries(params).map(([key, value]) => `${PARAM_WORDS[key] ?? key} ${String(value)}`);
    this.o.sink.log('lab', `${backend}: ${said.join(', ')}${this.#session ? '' : ' (for the next start)'}`);
    this.#persistence?.saveSoon();
    this.o.sink.changed();
  }

  async importConfig(text: string, file: string): Promise<ConfigImportResult> {
    let parsed: ReturnType<typeof parseAnyNginxConfig>;
    try {
      parsed = parseAnyNginxConfig(text, file);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return {
        ok: false,
        error: { file: error.file, line: error.line, col: error.col, message: error.reason },
        warnings: [],
      };
    }
    const { config, warnings } = parsed;
    const previous = this.#imported;
    this.#imported = { config, text, file };
    const settings = settingsFromConfig(this.#settings, config);
    if (this.#session) {
      const replicas = this.#settings.replicas;
      try {
        await this.#reload({ ...settings, replicas }, `${file} imported`);
      } catch (error) {
        this.#imported = previous;
        throw error;
      }
      // The conf names as many replicas as it has backendN lines: the lab scales to them.
      if (settings.replicas !== replicas) await this.scale(settings.replicas);
    } else this.#settings = settings;
    this.#persistence?.saveSoon();
    this.o.sink.changed();
    return { ok: true, error: null, warnings: warnings.map(formatDiagnostic) };
  }

  async exportConfig(format: ExportFormat): Promise<ExportedFile> {
    const { exportLab } = await import('../export');
    return exportLab(
      { version: 1, ...this.savedLab(), lastRun: this.runSnapshot(false), savedAt: Date.now() },
      format,
    );
  }

  /** Loads the saved lab `lab`, if any: its settings (under the fixed ones) and imported config. */
  async restore(lab: string): Promise<boolean> {
    const record = await this.#persistence?.restore(lab);
    if (!record) return false;
    const settings = labSettings.parse({ ...record.settings, ...this.o.fixed });
    const imported = record.importedConfig
      ? {
          ...record.importedConfig,
          config: parseAnyNginxConfig(record.importedConfig.text, record.importedConfig.file).config,
        }
      : null;
    this.#settings = settings;
    if (imported) this.#imported = imported;
    this.o.sink.changed();
    return true;
  }

  savedLab(): SavedLab {
    return {
      settings: this.#settings,
      importedConfig: this.#imported ? { text: this.#imported.text, file: this.#imported.file } : null,
    };
  }

  runSnapshot(ended: boolean): RunRecord | null {
    const recorder = this.#recorder;
    if (!recorder) return null;
    const session = this.#session;
    const totals = session ? runTotals(session, this.#settings) : [];
    const runs = this.o.trafficRuns().filter((run) => run.startedAt >= recorder.run.startedAt);
    return recorder.snapshot({
      backends: totals.length ? totals : recorder.run.backends,
      trafficRuns: runs,
      image: session?.builtImage ?? null,
      pending: session?.stats.pending() ?? [],
      counts: session
        ? { statuses: session.stats.totals.statuses, failed: session.stats.totals.failed }
        : null,
      ended,
    });
  }

  /** The balancer config a lab starts from: the imported nginx.conf, else the project's own, else none. */
  #labConfigSource(plan: ProjectPlan | null): ProxyConfig | null {
    return (
      (this.#imported && plan ? namingReplicas(this.#imported.config, plan) : this.#imported?.config) ??
      plan?.balancer?.config ??
      null
    );
  }

  #newSession(runtime: Runtime, plan: ProjectPlan | null, listen: string): LabSession {
    return new LabSession(
      this.#settings,
      runtime,
      labConfig(this.#settings, this.#labConfigSource(plan), listen),
      {
        log: (source, text, stream, time) => this.o.sink.log(source, text, stream, time),
        notice: (level, message) => this.o.sink.notice(level, message),
        requests: this.o.requests,
        metrics: (sample) => {
          this.#recorder?.metrics(sample);
          this.o.metrics(sample);
        },
        timeline: (event) => {
          this.#recorder?.timeline(event);
          this.o.timeline(event);
        },
        containers: this.o.containers,
        changed: () => this.o.sink.changed(),
      },
      plan,
    );
  }

  /** The runtime for the settings; `replicas` when the user chose a count (else the project's own). */
  async #createRuntime(replicas?: number): Promise<{ runtime: Runtime; plan: ProjectPlan | null }> {
    const settings = this.#settings;
    if (settings.runtime === 'demo')
      return { runtime: new DemoRuntime(settings.lab, settings.replicas), plan: null };
    const engine = await this.o.engine.connect();
    const plan = await loadProject(settings, settings.project || SAMPLE_BACKEND, replicas);
    this.#settings = { ...settings, replicas: Math.min(20, Math.max(1, plan.replicas.length)) };
    const runtime = createLab({
      lab: settings.lab,
      project: plan.dir,
      replicas: plan.replicas.length,
      docker: engine.docker,
      stateDir: this.o.stateDir,
      plan,
      offline: settings.offline,
      registryMirrors: settings.registryMirrors,
      ...(settings.pipIndex ? { pipIndex: settings.pipIndex } : {}),
      ...(settings.wheelhouse ? { wheelhouse: settings.wheelhouse } : {}),
      ...(settings.baseImage ? { baseImage: settings.baseImage } : {}),
      ...(settings.readyPath ? { readyPath: settings.readyPath } : {}),
      ...(this.o.probe ? { probe: this.o.probe } : {}),
      ...(this.o.migrations ? { migrations: this.o.migrations } : {}),
    });
    return { runtime, plan };
  }

  /**
   * The settings' listen address; when left empty, the port the project's nginx service is
   * published on (80 → 8080 when it cannot be bound here, said so), else 127.0.0.1:8080.
   */
  async #chooseListen(plan: ProjectPlan | null): Promise<string> {
    if (this.#settings.listen) return this.#settings.listen;
    const port = plan?.balancer?.port;
    if (!port) return DEFAULT_LISTEN;
    const wanted = `127.0.0.1:${port}`;
    const chosen = await availableListen(wanted, DEFAULT_LISTEN);
    if (chosen !== wanted)
      this.o.sink.log(
        'lab',
        `${plan.balancer!.service} publishes port ${port}, which cannot be bound here: listening on ${chosen} instead`,
      );
    return chosen;
  }

  #fail(error: unknown): void {
    this.#error = (error as Error).message;
    this.#setState('error');
    this.o.sink.log('lab', `error: ${this.#error}`, 'stderr');
  }

  #setState(state: LabView['state']): void {
    this.#state = state;
    this.o.sink.changed();
  }
}

/**
 * Each backend's figures for the run's report: every backend the run counted (also those scaled
 * away), with the run's counts — a re-created replica's fresh figures in the table do not reset them.
 */
function runTotals(session: LabSession, settings: LabSettings): BackendTotals[] {
  const views = new Map(session.backends().map((b) => [b.name, b]));
  const counted = session.stats.totals.perBackend;
  const names = [...new Set([...views.keys(), ...Object.keys(counted)])];
  return names.map((name) => {
    const view = views.get(name);
    const params = view ?? paramsFor(settings, name);
    return {
      name,
      requests: counted[name]?.requests ?? 0,
      failedAttempts: counted[name]?.failedAttempts ?? 0,
      avgMs: view?.avgMs ?? null,
      p95Ms: view?.p95Ms ?? null,
      weight: params.weight,
      maxFails: params.maxFails,
      failTimeoutSec: params.failTimeoutSec,
      backup: params.backup,
    };
  });
}
