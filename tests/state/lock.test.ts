import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { LabLock, lockPath, readLock } from '../../core/state/lock-file';
import { currentOwner, LabHeldError, ownerState, STALE_AFTER_MS } from '../../core/state/lock-owner';
import { goneOwner, liveOwner } from '../support/owners';

describe('a lab lock in the state folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ul-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('holds pid, host, boot and start time, and a heartbeat; release removes it', async () => {
    const lock = await LabLock.acquire(dir, 'held', currentOwner());
    const content = JSON.parse(readFileSync(lockPath(dir, 'held'), 'utf8'));
    expect(content.owner).toMatchObject({ pid: process.pid, host: currentOwner().host });
    expect(content.owner.bootId).toMatch(/\S/);
    expect(Date.now() - content.heartbeatAt).toBeLessThan(5000);
    await lock.release();
    expect(existsSync(lockPath(dir, 'held'))).toBe(false);
  });

  test('a second owner that is alive is refused with who holds it and since when', async () => {
    const other = await liveOwner();
    try {
      const first = await LabLock.acquire(dir, 'busy', other.owner);
      const refused = await LabLock.acquire(dir, 'busy', currentOwner()).catch((e: Error) => e);
      expect(refused).toBeInstanceOf(LabHeldError);
      expect((refused as Error).message).toMatch(
        new RegExp(
          `lab "busy" is in use by pid ${other.owner.pid} on host \\S+ since \\d\\d:\\d\\d:\\d\\d.*another --lab`,
        ),
      );
      // Refused means untouched.
      expect((await readLock(dir, 'busy'))?.owner.pid).toBe(other.owner.pid);
      await first.release();
    } finally {
      await other.stop();
    }
  });

  test('a lock whose process ended is taken over', async () => {
    await LabLock.acquire(dir, 'crashed', await goneOwner());
    const lock = await LabLock.acquire(dir, 'crashed', currentOwner());
    expect((await readLock(dir, 'crashed'))?.owner.pid).toBe(process.pid);
    await lock.release();
  });

  test('a stale heartbeat counts as gone even when the pid is alive (pid reuse, a hung owner)', async () => {
    const other = await liveOwner();
    try {
      writeFileSync(
        lockPath(dir, 'stale'),
        JSON.stringify({ owner: other.owner, heartbeatAt: Date.now() - STALE_AFTER_MS - 1000 }),
      );
      expect(ownerState(other.owner)).toBe('alive');
      const lock = await LabLock.acquire(dir, 'stale', currentOwner());
      await lock.release();
    } finally {
      await other.stop();
    }
  });

  test('a corrupt lock file holds nothing', async () => {
    writeFileSync(lockPath(dir, 'corrupt'), '{not json');
    const lock = await LabLock.acquire(dir, 'corrupt', currentOwner());
    await lock.release();
  });

  test('an owner on another machine cannot be checked: unknown, not gone', () => {
    expect(ownerState({ ...currentOwner(), host: 'elsewhere' })).toBe('unknown');
    expect(ownerState({ ...currentOwner(), bootId: 'another-boot' })).toBe('gone');
  });
});
