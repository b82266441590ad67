import { ProjectWatch, watchAction } from '../project/project-watch';
import type { AppSink } from './app-sink';
import type { LabController } from './lab-controller';

/**
 * `up --watch` and the dashboard's toggle: the running lab's project followed as Compose Watch
 * does. A saved batch of files is one command on the bus, after whatever runs: a sync into the
 * replicas, or — the Dockerfile, requirements or compose file changed — a rebuild and rollout.
 */
export class LabWatch {
  #watch: ProjectWatch | null = null;

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
    const watch = new ProjectWatch(dir, (files) => {
      void this.exclusive(() => this.apply(files)).catch((error: Error) =>
        this.sink.log('lab', `watch: ${error.message}`, 'stderr'),
      );
    });
    await watch.start();
    this.#watch = watch;
    this.sink.log(
      'lab',
      `watch: following ${dir}: saved files are copied into the replicas; a Dockerfile or requirements change rebuilds and rolls out`,
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
    const action = watchAction(files);
    if (action.kind === 'sync') {
      await this.lab.sync(files);
      return;
    }
    this.sink.log('lab', `watch: ${files.join(', ')} changed: rebuilding, then a rolling update`);
    await this.lab.rollout();
  }
}
