import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { ProjectPlan } from '../project/plan';
import { LABEL_VOLUME_ID, labVolumeName } from './volumes';

/**
 * What `migrate` ran against, as one key: the replicas' image and environment, and each lab
 * service's image and named volumes (by the id each got when created: `down --volumes` makes
 * new ones). Null
 * when a run cannot be known to find the same database: a service keeps its data in no named
 * volume (a fresh database each time), or the replicas mount code from disk (migrations may
 * change without the image changing).
 */
export async function migrationKey(
  docker: Docker,
  lab: string,
  plan: ProjectPlan,
  replicaImage: string,
  serviceImages: ReadonlyMap<string, string>,
): Promise<string | null> {
  const replica = plan.replicas[0];
  if (!replica || plan.services.length === 0) return null;
  if ((replica.volumes ?? []).some((m) => m.type === 'bind')) return null;
  const parts: unknown[] = [(await docker.getImage(replicaImage).inspect()).Id, replica.env];
  for (const service of plan.services) {
    const named = service.volumes.filter((m) => m.type === 'volume' && m.source);
    if (named.length === 0) return null;
    const image = serviceImages.get(service.name) ?? service.image;
    parts.push(service.name, (await docker.getImage(image).inspect()).Id, service.env);
    for (const mount of named) {
      const volume = await docker.getVolume(labVolumeName(lab, mount.source!)).inspect();
      const id = volume.Labels?.[LABEL_VOLUME_ID];
      // A volume made before volumes had an id: no telling whether it was replaced.
      if (!id) return null;
      parts.push(volume.Name, id);
    }
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
