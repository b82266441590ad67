import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ComposeContext } from './context';
import {
  ComposeError,
  ComposeReadError,
  describeReadError,
  formatDiagnostic,
  type Diagnostic,
} from './errors';
import { findComposeFile, COMPOSE_FILE_NAMES } from './find';
import type { Lookup } from './interpolate';
import { documentInterpolation } from './interpolate-values';
import { normalizeProject } from './project';
import { isMapping } from './scalars';
import { schemaErrors } from './schema';
import { schemaProblems } from './schema-problems';
import type { ComposeLoadOptions, ComposeProject } from './types';
import { environmentLookup, readEnvFiles } from './variables';
import { parseComposeYaml } from './yaml-tree';

/**
 * Reads a project's compose file as Compose would: variables from `.env` (or --env-file) under the
 * process environment, YAML with anchors and merge keys, interpolation, the Compose Specification's
 * schema, then the services normalized. Throws ComposeError (`FILE:LINE:COL: reason`) for what
 * Compose (or the lab) refuses, ComposeReadError for a file that cannot be read.
 */
export async function loadCompose(options: ComposeLoadOptions): Promise<ComposeProject> {
  const file = composeFileOf(options);
  const dir = dirname(file);
  const env = environmentLookup(options.env ?? process.env);
  const envFiles = options.envFiles?.map((envFile) => resolve(envFile)) ?? [join(dir, '.env')];
  const fromFiles = await readEnvFiles(envFiles, options.envFiles !== undefined, env);
  const lookup: Lookup = (name) => env(name) ?? fromFiles.get(name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ComposeReadError(file, describeReadError(error));
  }
  const interpolation = documentInterpolation(lookup);
  const tree = parseComposeYaml(text, file, interpolation.stringValue);
  if (tree.data === null) throw new ComposeError(tree.map.value([]), 'the compose file is empty');
  const [first, ...others] = schemaProblems(schemaErrors(tree.data), tree.data, tree.map);
  if (first) {
    const more = others.length ? ` (and ${others.length} more problem${others.length > 1 ? 's' : ''})` : '';
    throw new ComposeError(first.at, first.message + more, others.map(formatDiagnostic));
  }
  const context = new ComposeContext(file, dir, tree.map, lookup);
  const project = normalizeProject(isMapping(tree.data) ? tree.data : {}, context);
  const names = new Set([...fromFiles.keys(), ...interpolation.used]);
  return {
    file,
    dir,
    ...project,
    warnings: inFileOrder([...tree.warnings, ...interpolation.warnings, ...context.warnings]),
    variables: Object.fromEntries([...names].map((name) => [name, lookup(name) ?? ''])),
  };
}

function composeFileOf(options: ComposeLoadOptions): string {
  if (options.file !== undefined) return resolve(options.file);
  const found = findComposeFile(options.dir);
  if (!found)
    throw new ComposeReadError(resolve(options.dir), `no compose file (${COMPOSE_FILE_NAMES.join(', ')})`);
  return resolve(found);
}

/** The compose file's warnings by line and column (they are found in several passes). */
function inFileOrder(warnings: Diagnostic[]): string[] {
  return [...warnings].sort((a, b) => a.at.line - b.at.line || a.at.col - b.at.col).map(formatDiagnostic);
}
