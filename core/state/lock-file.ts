import { open, readFile, unlink } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file';
import { HEARTBEAT_MS, LabHeldError, labOwner, ownerState, sameProcess, type LabOwner } from './lock-owner';

const lockContent = z.object({ owner: labOwner, heartbeatAt: z.number().int().nonnegative() });
export type LockContent = z.output<typeof lockContent>;

export const lockPath = (stateDir: string, lab: string): string => join(stateDir, 'locks', `${lab}.lock`);

/** What the lock file of `lab` says, or null when there is none (or it is unreadable: no holder). */
export function readLock(stateDir: string, lab: string): Promise<LockContent | null> {
  return readLockAt(lockPath(stateDir, lab));
}

async function readLockAt(path: string): Promise<LockContent | null> {
  try {
    const parsed = lockContent.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A running lab's lock in the state folder: `locks/<lab>.lock` holding its owner (pid, host, boot,
 * since) and a heartbeat refreshed every few seconds. Taken when the owner is gone; refused, with
 * who holds it, when not.
 */
export class LabLock {
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    readonly owner: LabOwner,
  ) {}

  static async acquire(stateDir: string, lab: string, owner: LabOwner): Promise<LabLock> {
    const path = lockPath(stateDir, lab);
    await mkdir(join(stateDir, 'locks'), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      const content = JSON.stringify({ owner, heartbeatAt: Date.now() } satisfies LockContent);
      try {
        const file = await open(path, 'wx', 0o600);
        await file.writeFile(content).finally(() => file.close());
        return new LabLock(path, owner).#beat();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const held = await readLock(stateDir, lab);
      if (held && sameProcess(held.owner, owner)) return new LabLock(path, owner).#beat();
      if (held && ownerState(held.owner, held.heartbeatAt) !== 'gone')
        throw new LabHeldError(lab, held.owner);
      // A lock its owner left behind (a crash, a closed terminal): taken over.
      await unlink(path).catch(() => undefined);
    }
    throw new Error(`${path}: another process took the lock at the same moment; try again`);
  }

  #beat(): this {
    this.#timer = setInterval(() => {
      const content = JSON.stringify({ owner: this.owner, heartbeatAt: Date.now() } satisfies LockContent);
      this.#writing = writeFileAtomic(this.path, content).catch(() => undefined);
    }, HEARTBEAT_MS);
    this.#timer.unref();
    return this;
  }

  /** Stops the heartbeat and removes the file, if it is still this owner's. */
  async release(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#writing;
    const held = await readLockAt(this.path);
    if (held && sameProcess(held.owner, this.owner)) await unlink(this.path).catch(() => undefined);
  }
}
