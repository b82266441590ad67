import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureOfflineImage } from '../../core/images/offline-image';
import { pythonRecipe } from '../../core/images/python-recipe';
import { nginxRecipe, postgresRecipe, type OfflineRecipe } from '../../core/images/recipes';
import { testDocker } from './docker';

/** Every offline image the Docker suites use. */
export const TEST_RECIPES = (): OfflineRecipe[] => [
  pythonRecipe('trixie'),
  pythonRecipe('bookworm'),
  postgresRecipe(),
  nginxRecipe(),
];

const LOCK = join(tmpdir(), 'upstream-lab-test-images.lock');
const STALE_MS = 20 * 60_000;

/**
 * Makes sure the offline images are on the engine, building the missing ones from Debian
 * packages (about a minute each; a clean CI machine builds them once, later runs reuse images
 * of the same recipe). Called by the Docker suites before they start; a lock keeps the two
 * vitest workers from building the same image at once.
 */
export async function ensureTestImages(): Promise<void> {
  await lock();
  try {
    for (const recipe of TEST_RECIPES()) {
      const started = Date.now();
      const image = await ensureOfflineImage(testDocker(), recipe, {
        onLog: (line) => process.env.CI && console.log(`[${recipe.tag}] ${line}`),
      });
      if (image.built) console.log(`built ${recipe.tag} in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

async function lock(): Promise<void> {
  for (;;) {
    try {
      await mkdir(LOCK);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(LOCK).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > STALE_MS) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** The Python 3.13 base: what the tests' throwaway containers and tiny Dockerfiles start FROM. */
export const TEST_BASE_IMAGE = 'upstream-lab/python:3.13-trixie';
