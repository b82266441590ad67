import { Command, CommanderError } from 'commander';
import { registerBaseImage } from './base-image';
import { registerCheckConfig } from './check-config';
import { registerDown } from './down';
import { registerExport } from './export';
import { registerLoad } from './load';
import { registerLoadImage } from './load-image';
import { registerProxy } from './proxy';
import { registerRollout } from './rollout';
import { registerStatus } from './status';
import { registerUp } from './up';
import { CliError } from './errors';
import { chooseCliLanguage } from './language';
import { USAGE_EXIT } from './lab-options';

/** Builds the command tree; each command module adds itself. */
export function createProgram(): Command {
  const program = new Command('upstream-lab')
    .description('A live load-balancing lab: an nginx-compatible balancer in front of Docker replicas.')
    .version('0.1.0')
    .option(
      '--lang <language>',
      "the language of the messages and the dashboard: en or fa (default: the system's)",
    )
    .hook('preAction', (command) => void chooseCliLanguage(command.opts<{ lang?: string }>().lang))
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerUp(program);
  registerDown(program);
  registerStatus(program);
  registerRollout(program);
  registerProxy(program);
  registerCheckConfig(program);
  registerBaseImage(program);
  registerLoadImage(program);
  registerLoad(program);
  registerExport(program);
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has printed its message; a command line it refuses is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT;
    if (error instanceof CliError) {
      if (!error.printed) process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
