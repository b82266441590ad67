import { Option, type Command } from 'commander';

export const DEFAULT_LAB = 'default';

export function labOption(command: Command): Command {
  return command.addOption(
    new Option('--lab <name>', 'lab name: containers are <lab>-backendN').default(DEFAULT_LAB),
  );
}

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
    return n;
  };
}
