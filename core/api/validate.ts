import type { z } from 'zod';
import { commandInputs, type ApiErrorShape, type CommandName } from './contract';

export class InvalidRequestError extends Error {
  override name = 'InvalidRequestError';
}

function isCommand(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commandInputs, name);
}

/** Checks a command name and its input as they arrive over a transport; throws a readable error. */
export function parseCommand(name: unknown, input: unknown): { command: CommandName; input: unknown } {
  if (!isCommand(name)) throw new InvalidRequestError(`unknown command ${JSON.stringify(name)}`);
  const schema: z.ZodType = commandInputs[name];
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
    throw new InvalidRequestError(`${name}: ${issues.join('; ')}`);
  }
  return { command: name, input: parsed.data };
}

/** What crosses a transport when a command fails: its kind and message, never a stack. */
export function toErrorShape(error: unknown): ApiErrorShape {
  if (error instanceof Error) {
    const at = (error as { file?: unknown; line?: unknown; col?: unknown }).line;
    const shape: ApiErrorShape = { name: error.name, message: error.message };
    if (typeof at === 'number') {
      const e = error as unknown as { file: string; line: number; col: number };
      shape.at = { file: e.file, line: e.line, col: e.col };
    }
    return shape;
  }
  return { name: 'Error', message: String(error) };
}
