import { readFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { z } from 'zod';

/** The process holding a lab: enough to tell, from another process, whether it is still there. */
export const labOwner = z.object({
  pid: z.number().int().positive(),
  host: z.string().min(1),
  /** Changes at every boot: the same pid after a reboot is another process. */
  bootId: z.string().min(1),
  /** When it took the lab (ms since the epoch). */
  since: z.number().int().nonnegative(),
});
export type LabOwner = z.output<typeof labOwner>;

/** How old a heartbeat may be before its owner counts as gone (it is refreshed every 5 s). */
export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 30_000;

let self: LabOwner | undefined;

/** This process, as an owner. */
export function currentOwner(): LabOwner {
  self ??= { pid: process.pid, host: hostname(), bootId: bootId(), since: Date.now() };
  return self;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // No boot id outside Linux: the boot time, to the minute, tells boots apart as well.
    return `boot-${Math.round((Date.now() / 1000 - uptime()) / 60)}`;
  }
}

export const sameProcess = (a: LabOwner, b: LabOwner): boolean =>
  a.pid === b.pid && a.host === b.host && a.bootId === b.bootId;

/**
 * Whether `owner` is still running: `gone` when it ran on this machine and its pid is not alive
 * (or the machine rebooted since), or its heartbeat is stale; `alive` when its pid is; `unknown`
 * for a process on another machine with no heartbeat to read (the engine is shared; it counts as
 * alive, as nothing of another person's is removed on a guess).
 */
export function ownerState(
  owner: LabOwner,
  heartbeatAt?: number,
  now = Date.now(),
): 'alive' | 'gone' | 'unknown' {
  if (heartbeatAt !== undefined && now - heartbeatAt > STALE_AFTER_MS) return 'gone';
  const me = currentOwner();
  if (owner.host !== me.host) return heartbeatAt !== undefined ? 'alive' : 'unknown';
  if (owner.bootId !== me.bootId) return 'gone';
  return pidAlive(owner.pid) ? 'alive' : 'gone';
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, and belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `pid 1234 on host vm since 14:02:07` */
export function describeOwner(owner: LabOwner): string {
  const since = new Date(owner.since);
  const today = new Date().toDateString() === since.toDateString();
  const when = today ? since.toLocaleTimeString('en-GB') : since.toISOString();
  return `pid ${owner.pid} on host ${owner.host} since ${when}`;
}

/** Refused: another process holds the lab. Says who, and what to do. */
export class LabHeldError extends Error {
  override name = 'LabHeldError';
  constructor(
    readonly lab: string,
    readonly owner: LabOwner,
  ) {
    super(
      `lab "${lab}" is in use by ${describeOwner(owner)}: stop it there (Ctrl-C, or kill ${owner.pid}), ` +
        `or run this one with another --lab NAME. If that process is gone, \`upstream-lab down --lab ${lab}\` frees the lab.`,
    );
  }
}
