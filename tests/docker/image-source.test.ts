import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseImage, ImageUnavailableError } from '../../core/prepare/image-source';
import { fixedProbe } from '../../core/prepare/network-probe';
import { choosePipRoute } from '../../core/prepare/pip-route';
import { findPipCommands, parseDockerfile } from '../../core/adapt';
import { dockerReachable, testDocker, uniqueLab } from '../support/docker';
import { ensureTestImages, TEST_BASE_IMAGE } from '../support/offline-images';
import { requires } from '../support/prerequisites';

describe('where pip gets packages (no request sent: the probe answers from a table)', () => {
  const course = findPipCommands(
    parseDockerfile(
      'FROM python:3.13\nRUN pip install -i https://mirror-pypi.runflare.com/simple -r requirements.txt\n',
    ),
  );
  it('as written when the index answers, through the mirror when only it does, else offline', async () => {
    const index = 'https://mirror-pypi.runflare.com/simple';
    const mirror = 'http://10.0.0.5:3141/root/pypi/+simple/';
    expect(await choosePipRoute(course, null, { offline: false, probe: fixedProbe([index]) })).toEqual({
      kind: 'as-written',
    });
    expect(
      await choosePipRoute(course, null, { offline: false, mirror, probe: fixedProbe([mirror]) }),
    ).toMatchObject({
      kind: 'mirror',
      indexUrl: mirror,
    });
    const offline = await choosePipRoute(course, null, { offline: false, mirror, probe: fixedProbe([]) });
    expect(offline).toMatchObject({ kind: 'offline' });
    expect((offline as { reason: string }).reason).toContain(`the mirror ${mirror}`);
    expect(await choosePipRoute(course, null, { offline: true, probe: fixedProbe([index]) })).toMatchObject({
      kind: 'offline',
    });
  });

  it('pip with no index named goes to PyPI: that is what is probed', async () => {
    const plain = findPipCommands(parseDockerfile('FROM python:3.13\nRUN pip install -r requirements.txt\n'));
    expect(
      await choosePipRoute(plain, null, { offline: false, probe: fixedProbe(['https://pypi.org/simple']) }),
    ).toEqual({ kind: 'as-written' });
  });
});

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

describe.runIf(docker)('where a FROM image comes from (real dockerd, nothing pulled from outside)', () => {
  const d = testDocker();
  const id = uniqueLab('src');
  // Images made here under the names a mirror or a `docker save` archive would give them.
  const mirrored = `mirror-two.example/${id}/python:3.13`;
  const loaded = `${id}/python:3.13`;
  const ctx = (overrides: Partial<Parameters<typeof chooseImage>[1]> = {}) => ({
    docker: d,
    offline: false,
    mirrors: ['mirror-one.example', 'mirror-two.example'],
    probe: fixedProbe(['mirror-two.example']),
    log: () => undefined,
    ...overrides,
  });
  beforeAll(async () => {
    for (const name of [mirrored, loaded]) {
      const [repo, tag] = [name.slice(0, name.lastIndexOf(':')), name.slice(name.lastIndexOf(':') + 1)];
      await d.getImage(TEST_BASE_IMAGE).tag({ repo, tag });
    }
  });
  afterAll(async () => {
    for (const name of [mirrored, loaded])
      await d
        .getImage(name)
        .remove({ noprune: true })
        .catch(() => undefined);
  });

  it('an image already here is used as written, whatever the registry', async () => {
    expect(await chooseImage(TEST_BASE_IMAGE, ctx({ offline: true }))).toEqual({
      image: TEST_BASE_IMAGE,
      source: 'as-written',
      reason: null,
    });
  });

  it('Docker Hub unreachable: the mirrors in order, the first that has it wins', async () => {
    const choice = await chooseImage(`docker.arvancloud.ir/${loaded}`, ctx());
    expect(choice.source).toBe('mirror');
    expect(choice.image).toBe(mirrored);
    expect(choice.reason).toContain('mirror-two.example');
  });

  it('offline: a local image of the same name without its registry (loaded from an archive)', async () => {
    const choice = await chooseImage(`docker.arvancloud.ir/${loaded}`, ctx({ offline: true }));
    expect(choice).toMatchObject({ image: loaded, source: 'local' });
  });

  it('nothing else: the offline stand-in of the same Python; no stand-in: what to do', async () => {
    const python = await chooseImage('docker.arvancloud.ir/python:3.11-slim', ctx({ offline: true }));
    expect(python).toMatchObject({ image: 'upstream-lab/python:3.11-bookworm', source: 'offline' });
    expect(python.reason).toContain('Python 3.11 (Debian bookworm)');
    const none = chooseImage('node:20-alpine', ctx({ offline: true })).catch((e: unknown) => e);
    expect(await none).toBeInstanceOf(ImageUnavailableError);
    expect(((await none) as Error).message).toMatch(/load-image/);
  });
});
