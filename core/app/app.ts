import type { Caller } from '../api/caller';
import type {
  BroadcastEvents,
  CommandName,
  CommandResult,
  LabSettings,
  LabView,
  LogLine,
  MetricsSample,
  TimelineEvent,
} from '../api/contract';
import { labSettings } from '../api/contract';
import { RandomFaults } from '../chaos/random-faults';
import { Engine } from '../docker';
import { Emitter } from '../events/emitter';
import { reportEachOnce } from '../events/listener-error';
import { RingBuffer } from '../logs/ring';
import type { NetworkProbe } from '../prepare/network-probe';
import { LabStore } from '../state/lab-store';
import { MigrationMemory } from '../state/migration-memory';
import { defaultStateDir } from '../state/state-dir';
import type { AppSink } from './app-sink';
import { CommandBus } from './command-bus';
import { backendCommands } from './commands/backend-commands';
import { configCommands } from './commands/config-commands';
import { labCommands } from './commands/lab-commands';
import { leftoverCommands } from './commands/leftover-commands';
import type { CommandTable } from './commands/table';
import { terminalCommands } from './commands/terminal-commands';
import { trafficCommands } from './commands/traffic-commands';
import { EngineLink } from './engine-link';
import { EventBatcher } from './event-batcher';
import { DEFAULT_SETTINGS } from './lab-config';
import { LabController } from './lab-controller';
import { Leftovers } from './leftovers';
import { LabPersistence } from './persistence';
import type { PrometheusMetrics } from './prometheus';
import { TrafficControl } from './traffic-control';
import { LabWatch } from './lab-watch';
import { TerminalSessions } from './terminal-sessions';

/** As many as the dashboard's timeline keeps; the chart's five minutes. */
const HISTORY_EVENTS = 1000;
const HISTORY_SECONDS = 300;

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

/**
 * The composition root: the lab, the engine link, the traffic generator, random faults and the
 * log, wired to one table of commands run through one bus. State reaches every window only as
 * events; Electron's IPC and the headless WebSocket server are two transports over this object.
 */
export class App {
  readonly events = new Emitter<BroadcastEvents>();
  readonly #logs = new RingBuffer<LogLine>(LOG_CAPACITY);
  readonly #batcher: EventBatcher;
  readonly #sink: AppSink;
  readonly #engine: EngineLink;
  readonly #lab: LabController;
  readonly #leftovers: Leftovers;
  readonly #traffic: TrafficControl;
  readonly #watch: LabWatch;
  readonly #chaos: RandomFaults;
  readonly #terminals = new TerminalSessions((text) => this.log('lab', text));
  /** The app's history for pages opened later: timeline events and the last 5 min of per-second figures. */
  readonly #history = {
    timeline: new RingBuffer<TimelineEvent>(HISTORY_EVENTS),
    metrics: new RingBuffer<MetricsSample>(HISTORY_SECONDS),
  };
  readonly #bus: CommandBus;
  #prometheus: PrometheusMetrics | null = null;
  #closed: Promise<void> | undefined;

  constructor(options: AppOptions = {}) {
    const fixed = options.settings ?? {};
    this.#batcher = new EventBatcher(this.events, () => this.view());
    this.events.onListenerError = reportEachOnce((message, event) => {
      this.log('lab', message, 'stderr');
      if (event !== 'notice') this.events.emit('notice', { level: 'error', message });
    });
    this.#sink = {
      log: (source, text, stream, time) => this.log(source, text, stream, time),
      notice: (level, message) => this.events.emit('notice', { level, message }),
      changed: () => this.#batcher.changed(),
    };
    this.#engine = new EngineLink(options.engine ?? (() => new Engine()), this.#sink, () => this.#readopt());
    this.#traffic = new TrafficControl(
      () => this.#batcher.changed(),
      (text) => this.log('lab', text),
    );
    this.#chaos = new RandomFaults(
      {
        candidates: () => this.#lab.session?.upBackends() ?? [],
        fault: (backend, action, after) => this.#lab.requireSession().actionFor(backend, action, after),
      },
      () => this.#batcher.changed(),
    );
    const stateDir = options.stateDir === undefined ? defaultStateDir() : options.stateDir;
    this.#lab = new LabController({
      stateDir,
      ...(stateDir !== null ? { migrations: new MigrationMemory(stateDir) } : {}),
      settings: labSettings.parse({ ...DEFAULT_SETTINGS, ...fixed }),
      fixed,
      engine: this.#engine,
      ...(options.probe ? { probe: options.probe } : {}),
      sink: this.#sink,
      requests: (samples) => this.#batcher.requests(samples),
      metrics: (sample) => {
        this.#history.metrics.push(sample);
        this.events.emit('metrics', sample);
      },
      timeline: (event) => {
        this.#history.timeline.push(event);
        this.events.emit('timeline', event);
      },
      containers: (samples) => this.events.emit('containers', samples),
      trafficRuns: () => this.#traffic.runs,
      beforeStop: async () => {
        this.#watch.stop();
        this.#chaos.stop();
        await this.#traffic.stop();
      },
    });
    this.#lab.persistWith(
      new LabPersistence(
        stateDir === null ? null : new LabStore(stateDir),
        () => ({ lab: this.#lab.savedLab(), run: this.#lab.runSnapshot(false) }),
        (message) => this.#sink.notice('warning', message),
      ),
    );
    this.#leftovers = new Leftovers(this.#engine, this.#sink, stateDir);
    this.#watch = new LabWatch(this.#lab, (work) => this.#bus.exclusive(work), this.#sink);
    const watch = this.#watch;
    const table: CommandTable = {
      'lab.get': { query: true, handle: async () => this.view() },
      'logs.backlog': { query: true, handle: async ({ limit }) => this.#logs.toArray().slice(-limit) },
      // What a page opened (or reloaded) later draws first: this app's timeline, across lab restarts.
      'history.get': {
        query: true,
        handle: async () => ({
          timeline: this.#history.timeline.toArray(),
          metrics: this.#history.metrics.toArray(),
        }),
      },
      ...labCommands(this.#lab, this.#engine),
      'lab.watch': {
        async handle({ enabled }) {
          await watch.set(enabled);
          return { ok: true };
        },
      },
      ...backendCommands(this.#lab, this.#chaos),
      ...configCommands(this.#lab),
      ...trafficCommands(this.#lab, this.#traffic),
      ...leftoverCommands(this.#lab, this.#leftovers),
      ...terminalCommands(this.#lab, this.#terminals),
    };
    this.#bus = new CommandBus(table);
  }

  /**
   * Validates `input` against the command's schema, then runs it (in turn, if it changes state).
   * `caller`: the connection it came over, which owns what it opens (a terminal).
   */
  call<C extends CommandName>(command: C, input: unknown, caller?: Caller): Promise<CommandResult<C>> {
    return this.#bus.run(command, input, caller);
  }

  /** Loads the saved lab `lab` (default: the current one), if any: its settings and imported config. */
  restore(lab = this.#lab.settings.lab): Promise<boolean> {
    return this.#bus.exclusive(() => this.#lab.restore(lab));
  }

  /** The lab's figures in Prometheus text format (prom-client is loaded on the first scrape). */
  async metrics(): Promise<{ contentType: string; text: string }> {
    if (!this.#prometheus) {
      const { PrometheusMetrics } = await import('./prometheus');
      this.#prometheus = new PrometheusMetrics(
        () => this.view(),
        () => this.#lab.session?.stats ?? null,
      );
    }
    return { contentType: this.#prometheus.contentType, text: await this.#prometheus.text() };
  }

  log(source: string, text: string, stream: 'stdout' | 'stderr' = 'stdout', time = Date.now()): void {
    const line: LogLine = { seq: this.#logs.total, time, source, stream, text };
    this.#logs.push(line);
    this.#batcher.log(line);
  }

  view(): LabView {
    const lab = this.#lab;
    const session = lab.session;
    return {
      state: lab.state,
      error: lab.error,
      settings: lab.settings,
      engine: this.#engine.view,
      url: session?.url ?? null,
      upstream: session?.upstream ?? null,
      method: session?.method ?? null,
      backends: session?.backends() ?? [],
      versions: session?.versions.view() ?? [],
      canary: session?.canary.view ?? null,
      build: session?.build ?? { state: 'idle', steps: [], message: null, durationMs: null },
      traffic: this.#traffic.view,
      chaos: this.#chaos.view,
      leftovers: this.#leftovers.list,
      project: session?.project.view ?? null,
      watching: this.#watch.on,
    };
  }

  /** After whatever command is running: stops the lab; no command runs after it. Once. */
  close(): Promise<void> {
    this.#closed ??= this.#bus.close(async () => {
      await this.#terminals.closeAll();
      await this.#lab.stop();
      this.#engine.close();
      this.#batcher.close();
    });
    return this.#closed;
  }

  /** After the engine came back: the running lab takes its containers up again. */
  #readopt(): void {
    const runtime = this.#lab.session?.runtime;
    if (!runtime) return;
    this.log('lab', 'engine: reconnected, re-adopting the lab');
    void runtime
      .adopt()
      .catch((error: Error) => this.log('lab', `engine: re-adopt failed: ${error.message}`, 'stderr'));
  }
}
