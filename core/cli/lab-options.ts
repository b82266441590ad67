import { Option, type Command } from 'commander';
import type { z } from 'zod';
import { labName, labSettings } from '../api/contract';
import { parseListen } from '../lab/default-config';
import { CliError } from './errors';

export const DEFAULT_LAB = 'default';

/** Exit code of a command line the CLI cannot run (a bad option value), as commander's own. */
export const USAGE_EXIT = 2;

/**
 * An option parser checking the value with the API's own schema, so the CLI accepts exactly
 * what the dashboard does; a bad value is one line naming the option, exit 2.
 */
export function schemaArg<S extends z.ZodType>(
  flag: string,
  schema: S,
  {
    convert = (text: string): unknown => text,
    hint,
  }: { convert?: (text: string) => unknown; hint?: string } = {},
) {
  return (text: string): z.output<S> => {
    const parsed = schema.safeParse(convert(text));
    if (parsed.success) return parsed.data;
    throw new CliError(
      `${flag} "${text}": ${hint ?? parsed.error.issues[0]?.message ?? 'not valid'}`,
      USAGE_EXIT,
    );
  };
}

export function labOption(command: Command): Command {
  return command.addOption(
    new Option('--lab <name>', 'lab name: containers are <lab>-backendN')
      .default(DEFAULT_LAB)
      .argParser(schemaArg('--lab', labName)),
  );
}

/** A whole number as the schema wants it; "abc" and "2.5" are refused, not read as NaN or 2. */
const wholeNumber = (text: string): unknown => (/^\s*\d+\s*$/.test(text) ? Number(text) : text);

export const replicasArg = schemaArg('--replicas', labSettings.shape.replicas, {
  convert: wholeNumber,
  hint: 'replicas must be a whole number from 1 to 20',
});

/** HOST:PORT (or a lone PORT on 127.0.0.1), port 0 to 65535, as the lab's `listen` setting. */
export function listenArg(flag: string) {
  const setting = schemaArg(flag, labSettings.shape.listen);
  return (text: string): string => {
    let listen: ReturnType<typeof parseListen>;
    try {
      listen = parseListen(text);
    } catch {
      throw new CliError(
        `${flag} "${text}" is not HOST:PORT (for example 127.0.0.1:8080; a port from 0 to 65535, 0 picks a free one)`,
        USAGE_EXIT,
      );
    }
    const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
    return setting(`${host}:${listen.port}`);
  };
}
