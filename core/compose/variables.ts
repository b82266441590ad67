import { readFile } from 'node:fs/promises';
import { parseDotenv } from './dotenv';
import { ComposeReadError, describeReadError } from './errors';
import type { Lookup } from './interpolate';

export type Environment = Record<string, string | undefined>;

/** A variable of the process environment; only its own keys count (`constructor` is not a variable). */
export function environmentLookup(env: Environment): Lookup {
  return (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
}

/**
 * The variables of env files read in order (later wins). Each file may use the process environment
 * and the keys read before it. A missing file is an error only when `required` (an --env-file).
 */
export async function readEnvFiles(
  files: string[],
  required: boolean,
  env: Lookup,
): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
      if (missing && !required) continue;
      throw new ComposeReadError(file, describeReadError(error));
    }
    const parsed = parseDotenv(text, file, (name) => env(name) ?? values.get(name));
    for (const [key, value] of Object.entries(parsed)) values.set(key, value);
  }
  return values;
}
