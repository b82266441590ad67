import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ComposeContext } from './context';
import { parseDotenv } from './dotenv';
import { describeReadError } from './errors';
import { isMapping, parseBoolean, scalarText, type Mapping } from './scalars';
import type { Path } from './source-map';

/**
 * An `environment:` or `build.args:` list (`KEY=VALUE`, bare `KEY`) or map (`KEY: value`, `KEY:`).
 * A bare key takes the variable of that name, and is left out when it is not set.
 */
export function keyValues(value: unknown, path: Path, context: ComposeContext): Map<string, string> {
  const result = new Map<string, string>();
  const add = (key: string, text: string | undefined): void => {
    const resolved = text ?? context.lookup(key);
    if (resolved !== undefined) result.set(key, resolved);
  };
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const entry = String(item);
      const equals = entry.indexOf('=');
      const key = equals < 0 ? entry : entry.slice(0, equals);
      if (!key) throw context.error([...path, i], `${JSON.stringify(entry)} has no variable name`);
      add(key, equals < 0 ? undefined : entry.slice(equals + 1));
    });
  } else if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) add(key, item === null ? undefined : scalarText(item));
  }
  return result;
}

/** The variables of a service's `env_file:` files, in order (later wins); `required: false` ones may be missing. */
export function envFileValues(value: unknown, path: Path, context: ComposeContext): Map<string, string> {
  const result = new Map<string, string>();
  const items = Array.isArray(value) ? value : [value];
  items.forEach((item, i) => {
    const itemPath = Array.isArray(value) ? [...path, i] : path;
    const entry: Mapping = isMapping(item) ? item : { path: item };
    const file = resolve(context.dir, String(entry.path));
    const required = entry.required === undefined ? true : parseBoolean(entry.required);
    if (required === undefined) throw context.error([...itemPath, 'required'], 'must be true or false');
    if (entry.format !== undefined)
      context.ignored([...itemPath, 'format'], 'env files are read with the Compose rules');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
      if (missing && !required) return;
      throw context.error(
        itemPath,
        missing
          ? `env file ${file} not found${templateHint(file)}`
          : `env file ${file}: ${describeReadError(error)}`,
      );
    }
    for (const [key, fileValue] of Object.entries(parseDotenv(text, file, context.lookup)))
      result.set(key, fileValue);
  });
  return result;
}

/** Projects ship `.env.dev-sample` or `.env.example` beside the `.env.dev` they expect: say so. */
function templateHint(file: string): string {
  const dir = dirname(file);
  const name = basename(file);
  const template = [`${name}-sample`, `${name}.sample`, `${name}.example`, `${name}.dist`, `${name}.template`]
    .concat(name === '.env' ? ['.env.example', '.env.sample'] : [])
    .find((candidate) => existsSync(join(dir, candidate)));
  return template ? ` (there is ${template} beside it: copy it to ${name} and fill it in)` : '';
}
