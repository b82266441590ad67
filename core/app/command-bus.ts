import type { Caller } from '../api/caller';
import type { CommandName, CommandResults } from '../api/contract';
import { InvalidRequestError, parseCommand } from '../api/validate';
import type { CommandInputOf, CommandSpec, CommandTable } from './commands/table';

/**
 * Carries out commands: each is validated, then applied. Commands that change state run one at
 * a time, in arrival order; queries are answered beside them. Once closed, nothing more runs.
 */
export class CommandBus {
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(private readonly table: CommandTable) {}

  run<C extends CommandName>(name: C, input: unknown, caller?: Caller): Promise<CommandResults[C]> {
    try {
      const parsed = parseCommand(name, input);
      const spec = this.table[name] as CommandSpec<C>;
      const valid = parsed.input as CommandInputOf<C>;
      if (spec.query) return spec.handle(valid, caller);
      return this.exclusive(() => spec.handle(valid, caller));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Runs `work` alone, after every command queued before it. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new InvalidRequestError('the app is closing'));
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Runs `work` after everything queued, then refuses any further command. */
  close<T>(work: () => Promise<T>): Promise<T> {
    const result = this.exclusive(work);
    this.#closed = true;
    return result;
  }
}
