import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { LABEL_LAB, labFilter } from './labels';
import { NotInLabError } from './guard';

export const LABEL_VOLUME = 'upstream-lab.volume';
/** Set once when the volume is created: which volume this is (its CreatedAt moves with its contents). */
export const LABEL_VOLUME_ID = 'upstream-lab.volume-id';

/** A compose volume `pgdata` of lab `course` is `course_pgdata` on the engine, as Compose names it. */
export const labVolumeName = (lab: string, volume: string): string => `${lab}_${volume}`;

/** Creates the lab's named volume unless it exists; refuses one of that name that is not the lab's. */
export async function ensureLabVolume(docker: Docker, lab: string, volume: string): Promise<string> {
  const name = labVolumeName(lab, volume);
  try {
    const info = await docker.getVolume(name).inspect();
    if (info.Labels?.[LABEL_LAB] !== lab) {
      throw new NotInLabError(
        `A volume named ${name} exists but does not belong to lab ${lab}; it was left alone. Rename the lab or remove that volume.`,
      );
    }
    return name;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  await docker.createVolume({
    Name: name,
    Labels: { [LABEL_LAB]: lab, [LABEL_VOLUME]: volume, [LABEL_VOLUME_ID]: randomUUID() },
  });
  return name;
}

/** The lab's volumes (kept by `down`, removed by `down --volumes`). */
export async function listLabVolumes(docker: Docker, lab: string): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [labFilter(lab)] } });
  return (Volumes ?? []).filter((v) => v.Labels?.[LABEL_LAB] === lab).map((v) => v.Name);
}

export async function removeLabVolumes(docker: Docker, lab: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listLabVolumes(docker, lab)) {
    try {
      await docker.getVolume(name).remove();
      removed.push(name);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
  return removed;
}
