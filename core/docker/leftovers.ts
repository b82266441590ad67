import type Docker from 'dockerode';
import { readLock } from '../state/lock-file';
import { describeOwner, LabHeldError, type LabOwner } from '../state/lock-owner';
import { createLab } from './lab';
import { LABEL_LAB } from './labels';
import { engineOwner, engineOwners, holderState } from './ownership';
import { listLabVolumes } from './volumes';
import { SAMPLE_BACKEND } from '../lab/sample';

/** A lab whose containers are still there from a run that ended without removing them. */
export interface LeftoverLab {
  lab: string;
  containers: number;
  running: number;
  /** Its networks (removed with it). */
  networks: string[];
  /** Its volumes (the database's data): kept by Remove. */
  volumes: string[];
  /** The run that left it, when the engine recorded one: `pid 41 on host vm since 10:02:03`. */
  owner: string | null;
}

export interface LeftoverOptions {
  /** The state folder, whose lock files' heartbeats tell a stopped owner (null: none). */
  stateDir?: string | null;
}

/**
 * The labs with containers on the engine (found by label) whose owner is gone: its process
 * ended, its heartbeat stopped, or none was recorded. A lab another process is running is not a
 * leftover, nor is one whose owner runs on another machine and cannot be checked.
 */
export async function findLeftoverLabs(
  docker: Docker,
  options: LeftoverOptions = {},
): Promise<LeftoverLab[]> {
  const [list, networks, owners] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: [LABEL_LAB] } }),
    docker.listNetworks({ filters: { label: [LABEL_LAB] } }),
    engineOwners(docker),
  ]);
  const labs = new Map<string, LeftoverLab>();
  for (const info of list) {
    const lab = info.Labels?.[LABEL_LAB];
    if (!lab) continue;
    const owner = owners.get(lab);
    const entry = labs.get(lab) ?? {
      lab,
      containers: 0,
      running: 0,
      networks: networks.filter((n) => n.Labels?.[LABEL_LAB] === lab).map((n) => n.Name),
      volumes: [],
      owner: owner ? describeOwner(owner) : null,
    };
    entry.containers++;
    if (info.State === 'running' || info.State === 'paused') entry.running++;
    labs.set(lab, entry);
  }
  const left: LeftoverLab[] = [];
  for (const entry of labs.values()) {
    const owner = owners.get(entry.lab);
    if (owner && !(await ownerGone(entry.lab, owner, options.stateDir ?? null))) continue;
    entry.volumes = await listLabVolumes(docker, entry.lab);
    left.push(entry);
  }
  return left.sort((a, b) => a.lab.localeCompare(b.lab));
}

async function ownerGone(lab: string, owner: LabOwner, stateDir: string | null): Promise<boolean> {
  const lock = stateDir ? await readLock(stateDir, lab) : null;
  return holderState(owner, lock) === 'gone';
}

/**
 * Removes a leftover lab's containers and networks (its volumes stay), after checking again that
 * its owner is gone: LabHeldError when another process holds it.
 */
export async function removeLeftoverLab(
  docker: Docker,
  lab: string,
  options: LeftoverOptions = {},
): Promise<void> {
  const owner = await engineOwner(docker, lab);
  const stateDir = options.stateDir ?? null;
  if (owner && !(await ownerGone(lab, owner, stateDir))) throw new LabHeldError(lab, owner);
  await createLab({ lab, project: SAMPLE_BACKEND, docker, stateDir }).down({ abandonedOnly: true });
}
