import type { CommandName, LabView } from '../api/contract';
import { ControlCallError, ControlClient } from '../control/control-client';
import { controlPaths } from '../control/control-path';
import { defaultStateDir } from '../state/state-dir';
import { CliError } from './errors';

const POLL_MS = 250;

/**
 * Sends `command` to the lab an `upstream-lab up` runs (through its control socket), prints the
 * lab's log lines while the update it began goes on, and resolves with the lab's view once it is
 * no longer `updating`. A refused command, or an update that stopped, is a CliError (exit 1).
 */
export async function runOnLab(
  lab: string,
  command: CommandName,
  input: unknown,
  what: string,
  stateDir = defaultStateDir(),
): Promise<LabView> {
  const client = await openFirst(controlPaths(stateDir, lab), lab);
  let stopped: string | null = null;
  client.on('logs', (lines) => {
    for (const line of lines)
      if (line.source === 'lab')
        (line.stream === 'stderr' ? process.stderr : process.stdout).write(`${line.text}\n`);
  });
  client.on('notice', ({ level, message }) => {
    if (level !== 'info' && message.startsWith(`${what} stopped:`)) stopped = message;
  });
  try {
    await client.call(command, input);
    let view = await client.call('lab.get', {});
    while (view.state === 'updating') {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      view = await client.call('lab.get', {});
    }
    // The last log lines may still be on their way: a moment for them.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (stopped) throw new CliError(stopped, 1, true);
    return view;
  } catch (error) {
    if (error instanceof ControlCallError) throw new CliError(`${what}: ${error.message}`);
    throw error;
  } finally {
    client.close();
  }
}

async function openFirst(paths: string[], lab: string): Promise<ControlClient> {
  let last: NodeJS.ErrnoException | null = null;
  for (const path of paths) {
    try {
      return await ControlClient.open(path);
    } catch (error) {
      last = error as NodeJS.ErrnoException;
    }
  }
  throw new CliError(
    `lab "${lab}" is not running here: nothing answers on ${paths[0]} (${last?.code ?? last?.message}). ` +
      `Start it with \`upstream-lab up --lab ${lab}\` (it keeps running there), then run this again.`,
  );
}
