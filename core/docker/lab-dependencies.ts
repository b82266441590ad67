import type Docker from 'dockerode';
import type { Emitter } from '../events/emitter';
import type { LogEntry } from '../logs/entry';
import { chooseImage } from '../prepare/image-source';
import type { BuildSources } from '../prepare/prepare-build';
import type { ProjectPlan } from '../project/plan';
import type { LabEvents } from './lab-events';
import { migrateIn, migrateOnce } from './lab-migrate';
import { migrationKey } from './migration-key';
import type { ContainerLogs } from './logs';
import type { Replica } from './replica-set';
import { LabServices, type ServiceToRun } from './services';

export interface LabDependenciesOptions {
  docker: Docker;
  lab: string;
  network: string;
  /** The tag the replicas run (services built like them run it too). */
  image: string;
  plan: ProjectPlan;
  sources: BuildSources;
  logs: ContainerLogs;
  events: Emitter<LabEvents>;
  log: (entry: LogEntry) => void;
  warn: (message: string) => void;
  lastLines: (source: string, count: number) => string[];
  /** Where the last database migrated is remembered (none: migrate on every start). */
  migrations?: MigrationRecord;
}

/** What remembers the last database `migrate` completed against, per lab (core/state's MigrationMemory). */
export interface MigrationRecord {
  has(lab: string, key: string): Promise<boolean>;
  remember(lab: string, key: string): Promise<void>;
  forget(lab: string): Promise<void>;
}

/**
 * What the replicas need before they may serve: the project's services (a database), each with
 * an image from wherever it can come, and the Django migrations against them — once for all, or
 * in each replica when each has its own SQLite file.
 */
export class LabDependencies {
  readonly #services: LabServices;
  /** Settled once per start: every replica's probe waits for it. */
  #migrated: Promise<void> = Promise.resolve();
  /** Containers (SQLite: one database each) whose own migrations ran or run. */
  readonly #migratedIn = new Map<string, Promise<void>>();

  constructor(private readonly o: LabDependenciesOptions) {
    this.#services = new LabServices({
      docker: o.docker,
      lab: o.lab,
      network: o.network,
      logs: o.logs,
      events: o.events,
      lastLines: o.lastLines,
    });
  }

  /**
   * Starts the services and waits until they are ready (Django checks its database when it
   * starts, so the replicas come after), then runs the migrations while the replicas start.
   */
  async start(): Promise<void> {
    const services = await this.#servicesToRun();
    await this.#services.up(services);
    this.#migratedIn.clear();
    this.#migrated = this.#migrateOnce(new Map(services.map((s) => [s.plan.name, s.image])));
    // Seen by every probe; the lab reports a failure once, through `migrated`.
    this.#migrated.catch(() => undefined);
  }

  get migrated(): Promise<void> {
    return this.#migrated;
  }

  /** What a started replica waits for before it is probed: the shared migrations, or its own. */
  beforeProbe(replica: Replica): Promise<void> {
    const django = this.o.plan.django;
    if (this.o.plan.migrate !== 'each' || !django) return this.#migrated;
    let run = this.#migratedIn.get(replica.id);
    if (!run) {
      run = this.#migrated.then(() =>
        migrateIn(this.o.docker, replica.id, replica.name, django.managePy, this.o.events, (line, stream) =>
          this.o.log({ source: replica.name, stream, time: new Date().toISOString(), line }),
        ),
      );
      this.#migratedIn.set(replica.id, run);
    }
    return run;
  }

  down(): Promise<void> {
    return this.#services.down();
  }

  /** Each service with the image it runs: the replicas' own, or its compose image from wherever it can come. */
  async #servicesToRun(): Promise<ServiceToRun[]> {
    const { sources } = this.o;
    const out: ServiceToRun[] = [];
    for (const plan of this.o.plan.services) {
      if (plan.usesProjectImage) {
        out.push({ plan, image: this.o.image });
        continue;
      }
      const choice = await chooseImage(plan.image, {
        docker: this.o.docker,
        offline: sources.offline,
        mirrors: sources.mirrors,
        probe: sources.probe,
        log: (line) => this.o.log({ source: 'lab', stream: 'stdout', time: new Date().toISOString(), line }),
        ...(sources.offlineImages ? { offlineImages: sources.offlineImages } : {}),
      });
      if (choice.reason) this.o.warn(`${plan.name}: ${choice.reason}`);
      out.push({
        plan,
        image: choice.image,
        ...(choice.substitute ? { substitute: choice.substitute.title } : {}),
      });
    }
    return out;
  }

  /** `migrate` once, before any replica joins; nothing when the plan has no migrations to run. */
  async #migrateOnce(serviceImages: ReadonlyMap<string, string>): Promise<void> {
    const django = this.o.plan.django;
    if (this.o.plan.migrate !== 'once' || !django) return;
    const { lab, migrations } = this.o;
    const key = migrations
      ? await migrationKey(this.o.docker, lab, this.o.plan, this.o.image, serviceImages).catch(
          (error: Error) => {
            this.o.warn(`cannot tell which database migrate ran against last (${error.message}): migrating`);
            return null;
          },
        )
      : null;
    if (key && (await migrations!.has(lab, key))) return this.#alreadyMigrated();
    await migrations?.forget(lab).catch(() => undefined);
    await migrateOnce({
      docker: this.o.docker,
      lab: this.o.lab,
      image: this.o.image,
      network: this.o.network,
      replica: this.o.plan.replicas[0]!,
      managePy: django.managePy,
      events: this.o.events,
      log: (line, stream) => this.o.log({ source: 'migrate', stream, time: new Date().toISOString(), line }),
    });
    if (key) await migrations!.remember(lab, key).catch(() => undefined);
  }

  /** Said as a migration step, so the panel and the log show why nothing ran. */
  #alreadyMigrated(): void {
    const { events } = this.o;
    const line =
      'nothing to do: the same image migrated this same database (its volumes unchanged) on an earlier start; `down --volumes` starts afresh';
    events.emit('migrate:start', { command: 'python manage.py migrate --noinput', where: 'once' });
    this.o.log({ source: 'migrate', stream: 'stdout', time: new Date().toISOString(), line });
    events.emit('migrate:log', { line });
    events.emit('migrate:done', { durationMs: 0 });
  }
}
