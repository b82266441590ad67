import type Docker from 'dockerode';
import { z } from 'zod';
import { LabLock, readLock, type LockContent } from '../state/lock-file';
import { LabHeldError, labOwner, ownerState, sameProcess, type LabOwner } from '../state/lock-owner';

/**
 * Who holds a lab, as the engine records it, for processes that share the engine but not the
 * state folder: an empty volume `<lab>-owner` whose labels name the owner (pid, host, boot id,
 * since). Labels cannot change, so a new owner replaces the volume; creating one that exists
 * returns the existing one, so of two processes claiming at once only one sees its own labels.
 */
export const LABEL_OWNER = 'upstream-lab.owner';
export const LABEL_OWNER_OF = 'upstream-lab.owner-of';
export const ownerVolumeName = (lab: string): string => `${lab}-owner`;

const ownerLabel = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(labOwner);

const isMissing = (error: unknown): boolean => (error as { statusCode?: number }).statusCode === 404;

function ownerFrom(labels: Record<string, string> | null | undefined, lab: string): LabOwner | null {
  if (labels?.[LABEL_OWNER_OF] !== lab) return null;
  const parsed = ownerLabel.safeParse(labels[LABEL_OWNER]);
  return parsed.success ? parsed.data : null;
}

/** The owner the engine records for `lab`, or null (none, or a record that cannot be read). */
export async function engineOwner(docker: Docker, lab: string): Promise<LabOwner | null> {
  try {
    const info = await docker.getVolume(ownerVolumeName(lab)).inspect();
    return ownerFrom(info.Labels, lab);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** Every lab the engine records an owner for. */
export async function engineOwners(docker: Docker): Promise<Map<string, LabOwner>> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [LABEL_OWNER_OF] } });
  const owners = new Map<string, LabOwner>();
  for (const volume of Volumes ?? []) {
    const lab = volume.Labels?.[LABEL_OWNER_OF];
    const owner = lab ? ownerFrom(volume.Labels, lab) : null;
    if (lab && owner && volume.Name === ownerVolumeName(lab)) owners.set(lab, owner);
  }
  return owners;
}

/** Whether the engine's owner of a lab still runs; the state folder's heartbeat counts when it is that owner's. */
export function holderState(owner: LabOwner, lock: LockContent | null): 'alive' | 'gone' | 'unknown' {
  const heartbeat = lock && sameProcess(lock.owner, owner) ? lock.heartbeatAt : undefined;
  return ownerState(owner, heartbeat);
}

/** Removes the engine's owner record of `lab` (only `owner`'s, when given). */
export async function removeEngineOwner(docker: Docker, lab: string, owner?: LabOwner): Promise<void> {
  const volume = docker.getVolume(ownerVolumeName(lab));
  if (owner) {
    const held = await engineOwner(docker, lab);
    if (!held || !sameProcess(held, owner)) return;
  }
  await volume.remove().catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  });
}

/** A lab held by this process: the state folder's lock and the engine's record. */
export class LabClaim {
  constructor(
    private readonly docker: Docker,
    readonly lab: string,
    readonly owner: LabOwner,
    private readonly lock: LabLock | null,
  ) {}

  async release(): Promise<void> {
    await removeEngineOwner(this.docker, this.lab, this.owner);
    await this.lock?.release();
  }
}

export interface ClaimOptions {
  docker: Docker;
  lab: string;
  owner: LabOwner;
  /** The state folder for the lock file; null: the engine's record only. */
  stateDir: string | null;
}

/**
 * Takes `lab` for `owner`, or throws LabHeldError naming who holds it. A holder that is gone (its
 * process ended, its heartbeat stopped) is replaced; one on another machine without a heartbeat
 * to read counts as alive.
 */
export async function claimLab(o: ClaimOptions): Promise<LabClaim> {
  const before = o.stateDir ? await readLock(o.stateDir, o.lab) : null;
  const held = await engineOwner(o.docker, o.lab);
  const other = held && !sameProcess(held, o.owner) ? held : null;
  if (other && holderState(other, before) !== 'gone') throw new LabHeldError(o.lab, other);
  const lock = o.stateDir ? await LabLock.acquire(o.stateDir, o.lab, o.owner) : null;
  try {
    if (other) await removeEngineOwner(o.docker, o.lab);
    await o.docker.createVolume({
      Name: ownerVolumeName(o.lab),
      Labels: { [LABEL_OWNER_OF]: o.lab, [LABEL_OWNER]: JSON.stringify(o.owner) },
    });
    const recorded = ownerFrom((await o.docker.getVolume(ownerVolumeName(o.lab)).inspect()).Labels, o.lab);
    if (!recorded) {
      throw new Error(
        `A volume named ${ownerVolumeName(o.lab)} exists but is not lab ${o.lab}'s owner record; remove it or rename the lab.`,
      );
    }
    if (!sameProcess(recorded, o.owner)) throw new LabHeldError(o.lab, recorded);
  } catch (error) {
    await lock?.release();
    throw error;
  }
  return new LabClaim(o.docker, o.lab, o.owner, lock);
}
