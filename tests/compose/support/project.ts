import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import {
  ComposeError,
  loadCompose,
  type ComposeLoadOptions,
  type ComposeProject,
  type ComposeService,
} from '../../../core/compose';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A project folder named `name` in a fresh temp dir, holding `files` (path → text); removed after the file's tests. */
export function projectDir(files: Record<string, string>, name = 'shop'): string {
  const root = mkdtempSync(join(tmpdir(), 'ul-compose-'));
  roots.push(root);
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Loads `compose.yaml` text (and other files) with an empty process environment unless `env` is given. */
export async function load(
  compose: string,
  files: Record<string, string> = {},
  options: Partial<ComposeLoadOptions> = {},
): Promise<ComposeProject> {
  const dir = projectDir({ 'compose.yaml': compose, ...files });
  return loadCompose({ dir, env: {}, ...options });
}

/** The ComposeError message with the temp folder replaced by `DIR`. */
export async function loadError(
  compose: string,
  files: Record<string, string> = {},
  options: Partial<ComposeLoadOptions> = {},
): Promise<string> {
  const dir = projectDir({ 'compose.yaml': compose, ...files });
  try {
    await loadCompose({ dir, env: {}, ...options });
  } catch (error) {
    if (error instanceof ComposeError) return error.message.replaceAll(dir, 'DIR');
    throw error;
  }
  throw new Error('expected a ComposeError, but the compose file loaded');
}

/** Warnings with the temp folder replaced by `DIR`. */
export const warningsOf = (project: ComposeProject): string[] =>
  project.warnings.map((warning) => warning.replaceAll(project.dir, 'DIR'));

export function serviceOf(project: ComposeProject, name: string): ComposeService {
  const service = project.services.find((candidate) => candidate.name === name);
  if (!service) throw new Error(`no service "${name}" in ${project.services.map((s) => s.name).join(', ')}`);
  return service;
}
