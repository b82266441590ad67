import { ProjectWatch, projectRules, watchAction, type ProjectRule } from '../project/project-watch';
import type { AppSink } from './app-sink';
import type { LabController } from './lab-controller';

/**
 * `up --watch` and the dashboard's toggle: the running lab's project followed as Compose Watch
 * does. A saved batch of files is one command on the bus, after whatever runs: a sync into the
 * replicas, or — the Dockerfile, requirements or compose file changed — a rebuild and rollout.
 */
export class LabWatch {
  #watch: ProjectWatch | null = null;
  #rules: ProjectRule[] = [];

  constructor(
    private readonly lab: LabController,
    private readonly exclusive: (work: () => Promise<void>) => Promise<void>,
    private readonly sink: AppSink,
  ) {}

  get on(): boolean {
    return this.#watch !== null;
  }

  async set(enabled: boolean): Promise<void> {
    this.stop();
    if (!enabled) return;
    this.lab.requireSession();
    const dir = this.lab.projectDir;
    if (!dir)
      throw new Error('watch follows a project folder built by Docker: the demo backends have no files');
    const { rules, outside } = projectRules(dir, this.lab.watchRules);
    for (const path of outside)
      this.sink.log(
        'lab',
        `watch: develop.watch path ${path} is outside the project folder: not followed`,
        'stderr',
      );
    this.#rules = rules;
    const watch = new ProjectWatch(
      dir,
      (files) => {
        void this.exclusive(() => this.apply(files)).catch((error: Error) =>
          this.sink.log('lab', `watch: ${error.message}`, 'stderr'),
        );
      },
      300,
      rules,
    );
    await watch.start();
    this.#watch = watch;
    this.sink.log(
      'lab',
      rules.length
        ? `watch: following ${dir} by its compose develop.watch rules (${rules.map((r) => `${r.action} ${r.path || '.'}${r.target ? ` → ${r.target}` : ''}`).join('; ')})`
        : `watch: following ${dir}: saved files are copied into the replicas; a Dockerfile or requirements change rebuilds and rolls out`,
    );
    this.sink.changed();
  }

  stop(): void {
    if (!this.#watch) return;
    this.#watch.close();
    this.#watch = null;
    this.sink.log('lab', 'watch: stopped');
    this.sink.changed();
  }

  private async apply(files: string[]): Promise<void> {
    if (!this.lab.session || !this.#watch) return;
    const action = watchAction(files, this.#rules);
    if (action.kind === 'sync') {
      if (action.files.length) await this.lab.sync(action.files, action.copies, action.restart);
      return;
    }
    this.sink.log('lab', `watch: ${files.join(', ')} changed: rebuilding, then a rolling update`);
    await this.lab.rollout();
  }
}
