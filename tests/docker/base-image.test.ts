import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { packContext } from '../../core/docker/build-context';
import {
  baseImageBlocker,
  ensureBaseImage,
  imageExists,
  loadImageArchive,
} from '../../core/docker/base-image';
import { OFFLINE_BASE_IMAGE } from '../../core/docker/mirrors';
import { dockerReachable, TEST_LABEL, testDocker, uniqueLab } from '../support/docker';
import { requires } from '../support/prerequisites';

describe('offline base image prerequisites', () => {
  it('explains what is missing instead of failing midway', () => {
    expect(baseImageBlocker({ platform: 'darwin' })).toMatch(/needs Linux.*docker save/);
    expect(baseImageBlocker({ platform: 'win32' })).toMatch(/needs Linux/);
    expect(baseImageBlocker({ platform: 'linux', debootstrap: null })).toMatch(/apt-get install debootstrap/);
    expect(baseImageBlocker({ platform: 'linux', debootstrap: '/usr/sbin/debootstrap', uid: 1000 })).toMatch(
      /must run as root/,
    );
    expect(
      baseImageBlocker({ platform: 'linux', debootstrap: '/usr/sbin/debootstrap', uid: 0 }),
    ).toBeUndefined();
  });
});

const ROOT = resolve(import.meta.dirname, '../..');
const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');

/** A one-file root file system as a tar stream, as `docker import` takes it. */
function tinyRootfs(dir: string): Readable {
  writeFileSync(join(dir, 'hello.txt'), 'hello from a tiny image\n');
  return packContext(dir, ['hello.txt']);
}

describe.runIf(docker)('image archives (real dockerd)', () => {
  const owner = uniqueLab('archive');
  const tag = `upstream-lab-test/${owner}:tiny`;
  const dir = mkdtempSync(join(tmpdir(), 'ul-archive-'));
  afterAll(async () => {
    await testDocker()
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the offline base image already present (and leaves it alone)', async () => {
    // The suite's globalSetup built it if it was missing.
    expect(await imageExists(testDocker(), OFFLINE_BASE_IMAGE)).toBe(true);
    expect(await ensureBaseImage(testDocker())).toEqual({ built: false, tag: OFFLINE_BASE_IMAGE });
  });

  it('loads an archive made by `docker save`', async () => {
    const d = testDocker();
    const rootfs = join(dir, 'rootfs');
    mkdirSync(rootfs);
    const imported = await d.importImage(tinyRootfs(rootfs), {
      repo: `upstream-lab-test/${owner}`,
      tag: 'tiny',
    });
    await new Promise((resolve, reject) =>
      d.modem.followProgress(imported, (e: Error | null) => (e ? reject(e) : resolve(undefined))),
    );
    const archive = join(dir, 'tiny.tar');
    await writeFile(archive, (await d.getImage(tag).get()) as unknown as Readable);
    await d.getImage(tag).remove();
    expect(await imageExists(d, tag)).toBe(false);

    const lines: string[] = [];
    expect(await loadImageArchive(d, archive, (line) => lines.push(line))).toEqual([tag]);
    expect(await imageExists(d, tag)).toBe(true);
    expect(lines.join('\n')).toMatch(/Loaded image/);

    // The same through the command line.
    await d.getImage(tag).remove();
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/upstream-lab.mjs'), 'load-image', archive], {
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain(`loaded ${tag}`);
    expect(await imageExists(d, tag)).toBe(true);
    const missing = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/upstream-lab.mjs'), 'load-image', join(dir, 'nope.tar')],
      {
        encoding: 'utf8',
      },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/No such file/);
  });

  // The image itself is built by buildBaseImage in the suite's globalSetup when missing (as CI's
  // clean machine does); here: is it what the sample Dockerfile needs, offline?
  it('the offline base image: python3 with Django, no EXTERNALLY-MANAGED marker, python as CMD', async () => {
    const info = await testDocker().getImage(OFFLINE_BASE_IMAGE).inspect();
    expect(info.Config.Cmd).toEqual(['python3']);
    expect(info.Config.Env).toContain('PYTHONUNBUFFERED=1');
    const container = await testDocker().createContainer({
      Image: OFFLINE_BASE_IMAGE,
      Cmd: [
        'sh',
        '-c',
        'ls /usr/lib/python3*/EXTERNALLY-MANAGED 2>/dev/null; python -c "import django; print(django.get_version())"',
      ],
      Labels: { [TEST_LABEL]: owner },
    });
    try {
      await container.start();
      await container.wait();
      const output = (await container.logs({ stdout: true, stderr: true })).toString('latin1');
      expect(output).not.toMatch(/EXTERNALLY-MANAGED/);
      expect(output).toMatch(/\b\d+\.\d+(\.\d+)?\b/);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('says when a file is not an image archive', async () => {
    const bogus = join(dir, 'bogus.tar');
    await writeFile(bogus, 'this is not a tar archive');
    await expect(loadImageArchive(testDocker(), bogus)).rejects.toThrow(/tar|archive|image/i);
    await expect(loadImageArchive(testDocker(), join(dir, 'missing.tar'))).rejects.toThrow(/No such file/);
  });
});
