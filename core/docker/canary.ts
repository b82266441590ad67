import type Docker from 'dockerode';
import { backendName } from '../lab/backend-name';
import type { RolloutOptions } from '../lab/runtime';
import type { LabContainer } from './guard';
import { inspectReplica, PUBLISH_HOST } from './replicas';
import { replaceInWaves, type ReplaceOptions } from './rollout';

/** A canary beside the lab's replicas: its image, the one the others run, and its numbers. */
export interface Canary {
  imageId: string;
  stableImageId: string;
  indexes: number[];
}

/** What the canary needs of its lab (the Lab's internals, lent). */
export interface CanaryLab {
  docker: Docker;
  /** The lab's image tag (`upstream-lab/<lab>:latest`): what scales and restores run. */
  image: string;
  network: string;
  desired: number;
  list(): Promise<LabContainer[]>;
  /** The image the tag names now (the one built last, unless retagged). */
  prepare(): Promise<string>;
  replaceOptions(imageId: string, rollout: RolloutOptions): ReplaceOptions;
  /** Creates and awaits the replicas numbered `extra` from `imageId`. */
  converge(imageId: string, extra: number[]): Promise<void>;
  /** Announces, drains (the balancer) and removes a replica. */
  remove(c: LabContainer): Promise<void>;
}

/**
 * Starts `count` replicas of the image built last after the lab's own numbers. The lab's tag goes
 * back to the version the replicas run (a scale or restore meanwhile makes that version); the
 * canary's image is tagged `:canary`.
 */
export async function startCanary(lab: CanaryLab, count: number): Promise<Canary> {
  const imageId = await lab.prepare();
  const replicas = (await lab.list()).filter((c) => c.index >= 1 && c.index <= lab.desired);
  const missing = Array.from({ length: lab.desired }, (_, i) => i + 1).filter(
    (index) => !replicas.some((c) => c.index === index),
  );
  if (missing.length > 0)
    throw new Error(`${missing.map(backendName).join(', ')} is missing: restore it before a canary`);
  const versions = new Set(replicas.map((c) => c.imageId));
  if (versions.size > 1)
    throw new Error('the replicas run more than one version (a rollout stopped half-way): roll out first');
  const stableImageId = replicas[0]!.imageId;
  if (stableImageId === imageId)
    throw new Error(
      'the build made the version the replicas already run: change the project, then start the canary (it builds first)',
    );
  const canary: Canary = {
    imageId,
    stableImageId,
    indexes: Array.from({ length: count }, (_, i) => lab.desired + i + 1),
  };
  await tag(lab.docker, imageId, canaryTag(lab.image));
  await tag(lab.docker, stableImageId, lab.image);
  try {
    await lab.converge(imageId, canary.indexes);
  } catch (error) {
    await removeCanaryReplicas(lab, canary, null).catch(() => undefined);
    await untag(lab.docker, canaryTag(lab.image));
    throw new Error(
      `the canary did not become ready (${(error as Error).message.trim()}); it was removed, the replicas keep running`,
      { cause: error },
    );
  }
  return canary;
}

/**
 * Promote: the tag moves to the canary's image and the replicas roll over to it. Roll back: the
 * replicas on the canary's image (a promote that stopped) roll back. Then the canary's own
 * replicas are drained and removed. A rollout that stops leaves the canary running: try again.
 */
export async function endCanary(
  lab: CanaryLab,
  canary: Canary,
  outcome: 'promote' | 'rollback',
  rollout: RolloutOptions,
): Promise<void> {
  const target = outcome === 'promote' ? canary.imageId : canary.stableImageId;
  await tag(lab.docker, target, lab.image);
  const replicas = await lab.list();
  const behind = replicas.filter((c) => c.index >= 1 && c.index <= lab.desired && c.imageId !== target);
  await replaceInWaves(lab.replaceOptions(target, rollout), behind);
  await removeCanaryReplicas(lab, canary, rollout);
  await untag(lab.docker, canaryTag(lab.image));
}

async function removeCanaryReplicas(
  lab: CanaryLab,
  canary: Canary,
  rollout: RolloutOptions | null,
): Promise<void> {
  const replicas = (await lab.list()).filter((c) => canary.indexes.includes(c.index));
  for (const c of replicas) {
    const { port } = await inspectReplica(lab.docker, c.id, lab.network).catch(() => ({ port: undefined }));
    if (rollout && port !== undefined) await rollout.takeOut({ name: c.name, host: PUBLISH_HOST, port });
    await lab.remove(c);
  }
}

/** `upstream-lab/lab:latest` → `upstream-lab/lab:canary`. */
export function canaryTag(image: string): string {
  return `${splitTag(image).repo}:canary`;
}

function splitTag(image: string): { repo: string; tag: string } {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? { repo: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { repo: image, tag: 'latest' };
}

async function tag(docker: Docker, imageId: string, name: string): Promise<void> {
  await docker.getImage(imageId).tag(splitTag(name));
}

/** Takes the tag away (the image stays while a container or another tag uses it). */
async function untag(docker: Docker, name: string): Promise<void> {
  await docker
    .getImage(name)
    .remove({ noprune: true })
    .catch(() => undefined);
}
