import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { importRootfs } from './import';
import { addLocalRepo } from './local-repo';
import { OfflineImageError } from './process';
import { PYTHON_OF_SUITE, recipeFingerprint, type OfflineRecipe } from './recipes';
import {
  inRoot,
  makeRootfs,
  removeRootfs,
  rootfsBlocker,
  tidyRootfs,
  writeText,
  type RootfsHost,
} from './rootfs';

export const LABEL_OFFLINE = 'upstream-lab.offline';
export const LABEL_RECIPE = 'upstream-lab.recipe';
export const LABEL_TITLE = 'upstream-lab.title';
export const LABEL_PYTHON = 'upstream-lab.python';
/** `name=version,...`: every Debian package the image can install without a network. */
export const LABEL_DEBS = 'upstream-lab.debs';

export interface OfflineImageOptions extends RootfsHost {
  debianMirror?: string;
  workDir?: string;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}

export interface OfflineImage {
  tag: string;
  id: string;
  title: string;
  /** Built now (false: it was already here, from the same recipe). */
  built: boolean;
  debs: Record<string, string>;
}

/** The recipe's image, built first unless the engine has one from the same recipe. */
export async function ensureOfflineImage(
  docker: Docker,
  recipe: OfflineRecipe,
  options: OfflineImageOptions = {},
): Promise<OfflineImage> {
  const present = await inspectOffline(docker, recipe.tag);
  if (present && present.labels[LABEL_RECIPE] === recipeFingerprint(recipe)) {
    return {
      tag: recipe.tag,
      id: present.id,
      title: recipe.title,
      built: false,
      debs: parseDebs(present.labels),
    };
  }
  const blocker = rootfsBlocker(options);
  if (blocker) {
    const why = present ? 'is out of date' : 'is not on this machine';
    throw new OfflineImageError(`The offline image ${recipe.tag} (${recipe.title}) ${why}. ${blocker}`);
  }
  const { id, debs } = await buildOfflineImage(docker, recipe, options);
  return { tag: recipe.tag, id, title: recipe.title, built: true, debs };
}

/** Assembles the recipe's root file system from Debian packages and imports it (about a minute). */
export async function buildOfflineImage(
  docker: Docker,
  recipe: OfflineRecipe,
  options: OfflineImageOptions = {},
): Promise<{ id: string; debs: Record<string, string> }> {
  const log = options.onLog ?? (() => {});
  const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
  const root = await makeRootfs({
    suite: recipe.suite,
    include: recipe.include,
    install: recipe.install,
    ...(options.debianMirror ? { debianMirror: options.debianMirror } : {}),
    ...(options.workDir ? { workDir: options.workDir } : {}),
    ...context,
  });
  try {
    const debs = recipe.offlineRepo.length > 0 ? await addLocalRepo(root, recipe.offlineRepo, context) : {};
    for (const file of recipe.files) await writeText(join(root, file.path), file.text, file.mode);
    for (const dir of recipe.empty) await emptyTree(join(root, dir));
    for (const command of recipe.commands) await inRoot(root, command, context);
    await tidyRootfs(root);
    const labels: Record<string, string> = {
      [LABEL_OFFLINE]: recipe.kind,
      [LABEL_RECIPE]: recipeFingerprint(recipe),
      [LABEL_TITLE]: recipe.title,
      ...(recipe.kind === 'python' ? { [LABEL_PYTHON]: PYTHON_OF_SUITE[recipe.suite] } : {}),
      ...(Object.keys(debs).length > 0 ? { [LABEL_DEBS]: formatDebs(debs) } : {}),
    };
    const changes = [
      ...recipe.changes,
      ...Object.entries(labels).map(([k, v]) => `LABEL ${k}=${JSON.stringify(v)}`),
    ];
    const id = await importRootfs(docker, root, recipe.tag, changes, log);
    return { id, debs };
  } finally {
    await removeRootfs(root);
  }
}

export interface OfflineInspect {
  id: string;
  labels: Record<string, string>;
}

export async function inspectOffline(docker: Docker, tag: string): Promise<OfflineInspect | null> {
  try {
    const info = await docker.getImage(tag).inspect();
    return { id: info.Id, labels: info.Config?.Labels ?? {} };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}

export function parseDebs(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (labels[LABEL_DEBS] ?? '').split(',')) {
    const at = item.indexOf('=');
    if (at > 0) out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

const formatDebs = (debs: Record<string, string>): string =>
  Object.entries(debs)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, version]) => `${name}=${version}`)
    .join(',');

/** Removes everything below `dir`, keeping `dir` itself. */
async function emptyTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir).catch(() => []))
    await rm(join(dir, entry), { recursive: true, force: true });
}

export { OfflineImageError };
