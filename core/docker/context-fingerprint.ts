import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { listContext } from './build-context';

/** The label on a built image that says what it was built from. */
export const LABEL_CONTEXT = 'upstream-lab.context';

/**
 * A hash of everything a build depends on: the files Docker would be sent (after .dockerignore),
 * the Dockerfile's name, the build arguments and the base image's local ID. Equal fingerprints
 * mean an unchanged build, so the image can be used as it is.
 */
export async function contextFingerprint(
  docker: Docker,
  dir: string,
  dockerfile: string,
  buildArgs: Record<string, string>,
): Promise<string | null> {
  const base = buildArgs.BASE_IMAGE;
  const baseId = base ? await imageId(docker, base) : null;
  // A base image that is not here yet must be pulled: nothing to compare with.
  if (base && !baseId) return null;
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ dockerfile, buildArgs: Object.entries(buildArgs).sort(), baseId }));
  for (const file of await listContext(dir, dockerfile)) {
    hash.update(`\0${file}\0`);
    try {
      hash.update(await readFile(join(dir, file)));
    } catch (error) {
      // Directories are listed too; their names are enough.
      if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    }
  }
  return hash.digest('hex');
}

async function imageId(docker: Docker, name: string): Promise<string | null> {
  try {
    return (await docker.getImage(name).inspect()).Id;
  } catch {
    return null;
  }
}

/** The image `tag` when it was built from exactly `fingerprint`. */
export async function upToDateImage(
  docker: Docker,
  tag: string,
  fingerprint: string,
): Promise<string | null> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Config?.Labels?.[LABEL_CONTEXT] === fingerprint ? info.Id : null;
  } catch {
    return null;
  }
}
