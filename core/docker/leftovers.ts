import type Docker from 'dockerode';
import { LABEL_LAB } from './labels';

/** A lab whose containers are still there from an earlier run. */
export interface LeftoverLab {
  lab: string;
  containers: number;
  running: number;
}

/** Every lab with containers on the engine, found by label (nothing else is looked at). */
export async function findLeftoverLabs(docker: Docker): Promise<LeftoverLab[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [LABEL_LAB] } });
  const labs = new Map<string, LeftoverLab>();
  for (const info of list) {
    const lab = info.Labels?.[LABEL_LAB];
    if (!lab) continue;
    const entry = labs.get(lab) ?? { lab, containers: 0, running: 0 };
    entry.containers++;
    if (info.State === 'running' || info.State === 'paused') entry.running++;
    labs.set(lab, entry);
  }
  return [...labs.values()].sort((a, b) => a.lab.localeCompare(b.lab));
}
