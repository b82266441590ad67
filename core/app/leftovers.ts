import { findLeftoverLabs, type LeftoverLab } from '../docker';
import { removeLeftoverLab } from '../docker/leftovers';
import type { AppSink } from './app-sink';
import type { EngineLink } from './engine-link';

/** Labs an earlier run left on the engine (found by label) whose owner is gone, other than the one running here. */
export class Leftovers {
  #list: LeftoverLab[] = [];

  constructor(
    private readonly engine: EngineLink,
    private readonly sink: AppSink,
    /** Where the labs' lock files are (null: the engine's owner record alone). */
    private readonly stateDir: string | null,
  ) {}

  get list(): LeftoverLab[] {
    return this.#list;
  }

  /** Quietly nothing without Docker. */
  async scan(running: string | null): Promise<void> {
    try {
      const engine = await this.engine.connect();
      this.#list = (await findLeftoverLabs(engine.docker, { stateDir: this.stateDir })).filter(
        (l) => l.lab !== running,
      );
    } catch {
      this.#list = [];
      this.sink.changed();
      return;
    }
    for (const { lab, containers, running: up } of this.#list) {
      this.sink.notice(
        'warning',
        `lab "${lab}" left ${containers} container(s) (${up} running) from an earlier run: adopt or remove them`,
      );
    }
    this.sink.changed();
  }

  forget(lab: string): void {
    this.#list = this.#list.filter((l) => l.lab !== lab);
    this.sink.changed();
  }

  async remove(lab: string, running: string | null): Promise<void> {
    if (lab === running) throw new Error(`lab "${lab}" is running: stop it instead`);
    const engine = await this.engine.connect();
    await removeLeftoverLab(engine.docker, lab, { stateDir: this.stateDir });
    this.sink.log('lab', `removed the leftovers of lab "${lab}"`);
    await this.scan(running);
  }
}
