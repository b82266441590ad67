import type { Caller } from '../../api/caller';
import type { LabController } from '../lab-controller';
import type { TerminalSessions } from '../terminal-sessions';
import { backendOf } from './backend-commands';
import { ACK, type CommandGroup } from './table';

type TerminalCommand = 'terminal.open' | 'terminal.write' | 'terminal.resize' | 'terminal.close';

/** A terminal's output has to go somewhere: only a connection (not a direct call) can own one. */
function connection(caller: Caller | undefined): Caller {
  if (!caller) throw new Error('a terminal belongs to a connection: open it from the dashboard');
  return caller;
}

/** Answered at once, beside whatever runs: a keystroke must not wait behind a build. */
export function terminalCommands(
  lab: LabController,
  terminals: TerminalSessions,
): CommandGroup<TerminalCommand> {
  return {
    'terminal.open': {
      query: true,
      async handle({ backend, cols, rows }, caller) {
        const session = backendOf(lab, backend);
        return terminals.open(connection(caller), session.runtime, backend, { cols, rows });
      },
    },
    'terminal.write': {
      query: true,
      async handle({ id, data }, caller) {
        terminals.write(connection(caller), id, Buffer.from(data, 'base64'));
        return ACK;
      },
    },
    'terminal.resize': {
      query: true,
      async handle({ id, cols, rows }, caller) {
        await terminals.resize(connection(caller), id, { cols, rows });
        return ACK;
      },
    },
    'terminal.close': {
      query: true,
      async handle({ id }, caller) {
        await terminals.close(connection(caller), id);
        return ACK;
      },
    },
  };
}
