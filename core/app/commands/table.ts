import type { z } from 'zod';
import type { Caller } from '../../api/caller';
import type { commandInputs, CommandName, CommandResults } from '../../api/contract';

/** What a handler receives: its input as the command's schema outputs it (defaults applied). */
export type CommandInputOf<C extends CommandName> = z.output<(typeof commandInputs)[C]>;

export interface CommandSpec<C extends CommandName> {
  /**
   * Changes no lab state (reads, a terminal's keystrokes): answered at once. Any other command
   * waits until the ones before it are done.
   */
  readonly query?: true;
  /**
   * Checks everything it needs before it changes anything; throws to refuse. `caller`: the
   * connection it came from, when it came over one (the dashboard, a window, the control socket).
   */
  handle(input: CommandInputOf<C>, caller?: Caller): Promise<CommandResults[C]>;
}

export type CommandGroup<K extends CommandName> = { [C in K]: CommandSpec<C> };

/** Every command of the API, each handled once: the compiler rejects a missing or mistyped one. */
export type CommandTable = CommandGroup<CommandName>;

export const ACK = { ok: true } as const;
