import { createLab, findLeftoverLabs, type LeftoverLab } from '../docker';
import { SAMPLE_BACKEND } from '../lab/sample';
import type { AppSink } from './app-sink';
import type { EngineLink } from './engine-link';

/** Labs an earlier run left on the engine (found by label), other than the one running here. */
export class Leftovers {
  #list: LeftoverLab[] = [];

  constructor(
    private readonly engine: EngineLink,
    private readonly sink: AppSink,
  ) {}

  get list(): LeftoverLab[] {
    return this.#list;
  }

  /** Quietly nothing without Docker. */
  async scan(running: string | null): Promise<void> {
    try {
      const engine = await this.engine.connect();
      this.#list = (await findLeftoverLabs(engine.docker)).filter((l) => l.lab !== running);
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
    await createLab({ lab, project: SAMPLE_BACKEND, docker: engine.docker }).down();
    this.sink.log('lab', `removed the leftovers of lab "${lab}"`);
    await this.scan(running);
  }
}
