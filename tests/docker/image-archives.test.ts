import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packContext } from '../../core/docker/build-context';
import { loadImageArchive } from '../../core/images/import';
import { dockerReachable, imageExists, testDocker, uniqueLab } from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';

const ROOT = resolve(import.meta.dirname, '../..');
const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

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

  it('says when a file is not an image archive', async () => {
    const bogus = join(dir, 'bogus.tar');
    await writeFile(bogus, 'this is not a tar archive');
    await expect(loadImageArchive(testDocker(), bogus)).rejects.toThrow(/tar|archive|image/i);
    await expect(loadImageArchive(testDocker(), join(dir, 'missing.tar'))).rejects.toThrow(/No such file/);
  });
});
