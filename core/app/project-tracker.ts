import type { ProjectView, ServiceView } from '../api/contract';
import type { Runtime } from '../lab/runtime';
import type { ProjectPlan } from '../project/plan';
import { adviceFor, type Advice } from './log-advice';

/** What the dashboard shows of a plan before it runs. */
export function projectView(plan: ProjectPlan | null): ProjectView {
  return {
    source: plan?.source ?? 'demo',
    dir: plan?.dir ?? '',
    composeFile: plan?.composeFile ?? null,
    roles: plan?.roles ?? [],
    warnings: [...(plan?.warnings ?? [])],
    services: (plan?.services ?? []).map((s) => ({
      name: s.name,
      image: s.image,
      substitute: null,
      state: 'stopped' as const,
      addr: null,
    })),
    changes: [],
    substitutes: [],
    files: [...(plan?.files ?? [])],
    migrate: { state: plan && plan.migrate !== 'none' ? 'waiting' : 'none', where: null, output: [] },
  };
}

export interface ProjectSink {
  log(source: string, text: string, stream?: 'stdout' | 'stderr'): void;
  notice(level: 'info' | 'warning', message: string): void;
  changed(): void;
}

const MIGRATE_LINES = 200;

/**
 * What the dashboard shows of the project beside the replicas: its roles and warnings (from the
 * plan), the build context's changes, the lab services and the migrations (from the runtime's
 * events), and advice read from the replicas' logs.
 */
export class ProjectTracker {
  readonly view: ProjectView;
  readonly #advised = new Set<Advice['key']>();
  readonly #offs: Array<() => void> = [];
  readonly #envNames: string[];

  constructor(
    plan: ProjectPlan | null,
    private readonly sink: ProjectSink,
    private readonly url: () => string | null,
  ) {
    this.view = projectView(plan);
    this.#envNames = plan?.django?.envNames ?? [];
  }

  /** The plan's roles and warnings, as lines of the lab log (the CLI prints them before anything starts). */
  announce(): void {
    for (const role of this.view.roles) this.sink.log('lab', `${role.service}: ${role.detail}`);
    for (const warning of this.view.warnings) {
      this.sink.log('lab', `warning: ${warning}`, 'stderr');
      this.sink.notice('warning', warning);
    }
  }

  follow(runtime: Runtime): void {
    const { events } = runtime;
    this.#offs.push(
      events.on('build:adapted', ({ changes, warnings, substitutes }) => {
        this.view.changes = changes;
        this.view.substitutes = substitutes;
        for (const warning of warnings)
          if (!this.view.warnings.includes(warning)) this.view.warnings.push(warning);
        this.logChanges(changes, warnings);
        this.sink.changed();
      }),
      events.on('service:starting', ({ name, image, substitute }) =>
        this.setService(name, { image, substitute: substitute ?? null, state: 'starting', addr: null }),
      ),
      events.on('service:ready', ({ name, host, port }) =>
        this.setService(name, { state: 'ready', addr: host && port ? `${host}:${port}` : null }),
      ),
      events.on('migrate:start', ({ command, where }) => {
        this.view.migrate = { state: 'running', where, output: [] };
        this.sink.log(
          'lab',
          `migrate: ${command} (${where === 'once' ? 'once, before the replicas join' : `in ${where}`})`,
        );
        this.sink.changed();
      }),
      events.on('migrate:log', ({ line }) => {
        const output = this.view.migrate.output;
        output.push(line);
        if (output.length > MIGRATE_LINES) output.splice(0, output.length - MIGRATE_LINES);
      }),
      events.on('migrate:done', ({ durationMs }) => {
        this.view.migrate.state = 'done';
        this.sink.log('lab', `migrate: done (${(durationMs / 1000).toFixed(1)} s)`);
        this.sink.changed();
      }),
      events.on('migrate:failed', () => {
        this.view.migrate.state = 'failed';
        this.sink.changed();
      }),
      events.on('log', ({ source, line }) => {
        if (!/^backend\d+$/.test(source)) return;
        const advice = adviceFor(line, { url: this.url(), envNames: this.#envNames });
        if (!advice || this.#advised.has(advice.key)) return;
        this.#advised.add(advice.key);
        this.sink.log('lab', `advice: ${advice.message}`, 'stderr');
        this.sink.notice('warning', advice.message);
      }),
    );
  }

  close(): void {
    for (const off of this.#offs.splice(0)) off();
  }

  /** "What was changed and why", once, in the lab log. */
  private logChanges(changes: ProjectView['changes'], warnings: string[]): void {
    for (const change of changes) {
      this.sink.log('lab', `build: ${change.file} is sent changed (the file on disk is not touched):`);
      for (const reason of change.reasons) this.sink.log('lab', `  ${reason}`);
      for (const line of change.diff.split('\n').filter(Boolean)) this.sink.log('lab', `  ${line}`);
    }
    for (const warning of warnings) this.sink.log('lab', `warning: ${warning}`, 'stderr');
  }

  private setService(name: string, patch: Partial<ServiceView>): void {
    const service = this.view.services.find((s) => s.name === name);
    if (!service) return;
    Object.assign(service, patch);
    this.sink.log(
      'lab',
      `${name}: ${service.state === 'ready' ? `ready${service.addr ? ` at ${service.addr}` : ''}` : `starting ${service.image}${service.substitute ? ` (offline stand-in: ${service.substitute})` : ''}`}`,
    );
    this.sink.changed();
  }
}
