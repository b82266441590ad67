import { rolloutWaves, type RolloutOptions } from '../lab/runtime';
import { explainStart, type ConvergeOptions } from './converge';
import type { LabContainer } from './guard';
import { containerName } from './labels';
import { ref } from './replica-set';
import { replicaSpec } from './replica-specs';
import { createReplica, PUBLISH_HOST, removeReplica } from './replicas';

export interface ReplaceOptions extends ConvergeOptions, RolloutOptions {
  stopTimeoutSec: number;
}

/**
 * One step of a rolling update, start-first: the old container steps aside (renamed, still
 * serving), the new one takes the replica's name and number and is awaited until ready — its
 * readiness moves the balancer's peer to it —, then the old one is drained and removed. A new one
 * that is not ready is removed and the old one takes its name back: it never stopped serving.
 */
export async function replaceReplica(o: ReplaceOptions, old: LabContainer): Promise<void> {
  const docker = o.docker;
  const oldReplica = o.replicas.track(old);
  const oldPort = oldReplica.port;
  const name = containerName(o.lab, old.index);
  const aside = `${name}-old-${old.id.slice(0, 8)}`;
  await docker.getContainer(old.id).rename({ name: aside });
  // The set keeps one replica per number: from now on its events are the new container's.
  o.replicas.forget(oldReplica);
  let created: string | null = null;
  try {
    const base = { lab: o.lab, image: o.imageId, network: o.network, port: o.port };
    const container = await createReplica(docker, replicaSpec(o.plan, old.index, base));
    created = container.id;
    const replica = o.replicas.add(old.index, container.id, name, o.imageId);
    o.events.emit('replica:replacing', { ...ref(replica), image: o.imageId });
    o.events.emit('replica:created', ref(replica));
    await container.start().catch((error: unknown) => {
      throw explainStart(error);
    });
    const outcome = await o.replicas.refresh(replica);
    if (!outcome.ready) throw new Error(outcome.error ?? 'not ready');
  } catch (error) {
    await undo(o, old, created, name);
    throw new Error(
      `the rollout stopped at ${old.name || name}: its new version did not become ready ` +
        `(${(error as Error).message.trim()}); it and the replicas not yet replaced keep running the old version`,
      { cause: error },
    );
  }
  if (oldPort !== undefined) await o.drain({ name: oldReplica.name, host: PUBLISH_HOST, port: oldPort });
  await removeReplica(docker, old.id, o.stopTimeoutSec);
  o.events.emit('replica:replaced', { ...ref({ ...oldReplica, container: name }), image: o.imageId });
}

/**
 * One step of a rolling update, stop-first (a max-unavailable step): the old container is taken
 * out of rotation and drained, then removed; the new one takes its name and number. A new one
 * that is not ready is removed and the old version is started again in its place.
 */
export async function replaceStopFirst(o: ReplaceOptions, old: LabContainer): Promise<void> {
  const docker = o.docker;
  const oldReplica = o.replicas.track(old);
  const name = containerName(o.lab, old.index);
  o.events.emit('replica:replacing', { ...ref(oldReplica), image: o.imageId });
  if (oldReplica.port !== undefined)
    await o.takeOut({ name: oldReplica.name, host: PUBLISH_HOST, port: oldReplica.port });
  // Removed on purpose: no `replica:down`; the balancer's peer stays, drained, for the new one.
  o.replicas.markRemoving(oldReplica);
  await removeReplica(docker, old.id, o.stopTimeoutSec);
  o.replicas.forget(oldReplica);
  try {
    await startVersion(o, old.index, o.imageId);
  } catch (error) {
    await startVersion(o, old.index, old.imageId).catch(() => undefined);
    throw new Error(
      `the rollout stopped at ${old.name || name}: its new version did not become ready ` +
        `(${(error as Error).message.trim()}); its old version was started again, the replicas not yet replaced keep running`,
      { cause: error },
    );
  }
  o.events.emit('replica:replaced', { ...ref({ ...oldReplica, container: name }), image: o.imageId });
}

/** Creates replica `index` of `imageId` under its own name, starts it and waits until it is ready. */
async function startVersion(o: ReplaceOptions, index: number, imageId: string): Promise<void> {
  const stale = o.replicas.all.find((r) => r.index === index);
  if (stale) {
    o.replicas.markRemoving(stale);
    await removeReplica(o.docker, stale.id, 0).catch(() => undefined);
    o.replicas.forget(stale);
  }
  const name = containerName(o.lab, index);
  const base = { lab: o.lab, image: imageId, network: o.network, port: o.port };
  const container = await createReplica(o.docker, replicaSpec(o.plan, index, base));
  const replica = o.replicas.add(index, container.id, name, imageId);
  o.events.emit('replica:created', ref(replica));
  await container.start().catch((error: unknown) => {
    throw explainStart(error);
  });
  const outcome = await o.replicas.refresh(replica);
  if (!outcome.ready) throw new Error(outcome.error ?? 'not ready');
}

/**
 * Replaces `old` in waves (see rolloutWaves): the first `surge` of each wave start-first, the
 * rest stop-first, a wave's replicas at once. The first failure stops it after its wave.
 */
export async function replaceInWaves(o: ReplaceOptions, old: LabContainer[]): Promise<void> {
  const { size, surge } = rolloutWaves(o);
  for (let i = 0; i < old.length; i += size) {
    const wave = old.slice(i, i + size);
    const outcomes = await Promise.allSettled(
      wave.map((c, j) => (j < surge ? replaceReplica(o, c) : replaceStopFirst(o, c))),
    );
    const failed = outcomes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

async function undo(
  o: ReplaceOptions,
  old: LabContainer,
  created: string | null,
  name: string,
): Promise<void> {
  if (created !== null) {
    const replica = o.replicas.byId(created);
    if (replica) o.replicas.markRemoving(replica);
    await removeReplica(o.docker, created, 0).catch(() => undefined);
    if (replica) o.replicas.forget(replica);
  }
  await o.docker.getContainer(old.id).rename({ name });
  // Tracked again: its port re-read and probed, so the balancer's peer is back on it if it moved.
  await o.replicas.refresh(o.replicas.track({ ...old, container: name }));
}
