import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { buildImage } from '../docker/build';
import type { OfflineImage } from './offline-image';
import { LABEL_OFFLINE } from './offline-image';

export const LABEL_DERIVED_DEBS = 'upstream-lab.installed-debs';

/**
 * The offline Python base with a project's requirements baked in as Debian packages, installed
 * from the base's own repository with no network. Built once per base and package set.
 */
export async function ensureDerivedImage(
  docker: Docker,
  base: OfflineImage,
  debs: string[],
  log: (line: string) => void,
): Promise<string> {
  if (debs.length === 0) return base.tag;
  const sorted = [...new Set(debs)].sort();
  const key = createHash('sha256')
    .update(`${base.id}\n${sorted.join(',')}`)
    .digest('hex')
    .slice(0, 12);
  const tag = `${base.tag.replace(/^upstream-lab\/python:/, 'upstream-lab/python-derived:')}-${key}`;
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch {
    // Not built yet.
  }
  log(`baking ${sorted.join(', ')} into ${tag} (from ${base.tag}, no network)`);
  const dockerfile =
    `FROM ${base.tag}\n` +
    `RUN apt-get install -y -q --no-install-recommends ${sorted.join(' ')} && apt-get clean\n`;
  await buildImage(docker, {
    context: '',
    tag,
    entries: [{ path: 'Dockerfile', from: { kind: 'text', data: Buffer.from(dockerfile) }, mode: 0o644 }],
    labels: { [LABEL_OFFLINE]: 'python-derived', [LABEL_DERIVED_DEBS]: sorted.join(',') },
    networkMode: 'none',
    onUpdate: (update) => {
      if (update.kind === 'log') log(update.line);
    },
  });
  return tag;
}
