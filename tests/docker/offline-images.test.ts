import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDerivedImage } from '../../core/images/derived';
import { ensureOfflineImage, LABEL_RECIPE, parseDebs } from '../../core/images/offline-image';
import { pythonRecipe } from '../../core/images/python-recipe';
import { nginxRecipe, postgresRecipe, recipeFingerprint } from '../../core/images/recipes';
import { rootfsBlocker } from '../../core/images/rootfs';
import { PYPI_TO_DEBIAN } from '../../core/adapt/debian-packages';
import { dockerReachable, eventually, TEST_LABEL, testDocker, uniqueLab } from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';

describe('offline image prerequisites', () => {
  it('explains what is missing instead of failing midway', () => {
    expect(rootfsBlocker({ platform: 'darwin' })).toMatch(/needs Linux.*load-image/);
    expect(rootfsBlocker({ platform: 'linux', debootstrap: null })).toMatch(/apt-get install debootstrap/);
    expect(rootfsBlocker({ platform: 'linux', debootstrap: '/usr/sbin/debootstrap', uid: 1000 })).toMatch(
      /must run as root/,
    );
    expect(
      rootfsBlocker({ platform: 'linux', debootstrap: '/usr/sbin/debootstrap', uid: 0 }),
    ).toBeUndefined();
  });

  it('a recipe is fingerprinted by everything it is made of', () => {
    expect(recipeFingerprint(pythonRecipe('trixie'))).toBe(recipeFingerprint(pythonRecipe('trixie')));
    expect(recipeFingerprint(pythonRecipe('trixie'))).not.toBe(recipeFingerprint(pythonRecipe('bookworm')));
    const changed = { ...postgresRecipe(), install: ['postgresql', 'postgresql-contrib'] };
    expect(recipeFingerprint(changed)).not.toBe(recipeFingerprint(postgresRecipe()));
  });
});

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

/** Runs a command in a throwaway container; its output and exit code. */
async function run(
  d: Docker,
  owner: string,
  image: string,
  cmd: string[],
  extra: Partial<Docker.ContainerCreateOptions> = {},
): Promise<{ code: number; output: string }> {
  const container = await d.createContainer({
    Image: image,
    Cmd: cmd,
    Labels: { [TEST_LABEL]: owner },
    ...extra,
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = (await container.logs({ stdout: true, stderr: true })).toString('latin1');
    return { code: StatusCode, output };
  } finally {
    await container.remove({ force: true, v: true });
  }
}

describe.runIf(docker)('offline images from Debian packages (real dockerd)', { timeout: 120_000 }, () => {
  const owner = uniqueLab('offline');
  const d = testDocker();
  const dir = mkdtempSync(join(tmpdir(), 'ul-offline-'));
  const volumes: string[] = [];
  afterAll(async () => {
    const list = await d.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${owner}`] } });
    await Promise.all(
      list.map((c) =>
        d
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
    );
    for (const v of volumes)
      await d
        .getVolume(v)
        .remove()
        .catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  // globalSetup built them when missing; here they are found, not built again.
  it.each([
    ['trixie', '3.13'],
    ['bookworm', '3.11'],
  ] as const)(
    'the %s Python base: Python %s, pip free to install, its packages offline',
    async (suite, version) => {
      const image = await ensureOfflineImage(d, pythonRecipe(suite));
      expect(image.built).toBe(false);
      const info = await d.getImage(image.tag).inspect();
      expect(info.Config.Labels?.[LABEL_RECIPE]).toBe(recipeFingerprint(pythonRecipe(suite)));
      const debs = parseDebs(info.Config.Labels ?? {});
      // Every Debian package the requirements can be mapped to exists in the base's own repository.
      for (const { deb } of Object.values(PYPI_TO_DEBIAN)) expect(debs, deb).toHaveProperty(deb);
      const result = await run(
        d,
        owner,
        image.tag,
        [
          'sh',
          '-c',
          'python --version; ls /usr/lib/python3*/EXTERNALLY-MANAGED 2>&1; apt-get update -q && apt-get install -y -q python3-djangorestframework >/dev/null && python -c "import rest_framework; print(\'drf\', rest_framework.VERSION)"',
        ],
        { HostConfig: { NetworkMode: 'none' } },
      );
      expect(result.output).toContain(`Python ${version}.`);
      expect(result.output).toMatch(/No such file/);
      expect(result.output).toMatch(/drf \d+\.\d+/);
      expect(result.code).toBe(0);
    },
  );

  it('a derived image bakes packages in without a network, once', async () => {
    const base = await ensureOfflineImage(d, pythonRecipe('trixie'));
    const lines: string[] = [];
    const tag = await ensureDerivedImage(d, base, ['python3-django', 'python3-sqlparse'], (l) =>
      lines.push(l),
    );
    expect(tag).toMatch(/^upstream-lab\/python-derived:3\.13-trixie-[0-9a-f]{12}$/);
    const again = await ensureDerivedImage(d, base, ['python3-sqlparse', 'python3-django'], () => undefined);
    expect(again).toBe(tag);
    const result = await run(d, owner, tag, [
      'python',
      '-c',
      'import django, sqlparse; print(django.get_version())',
    ]);
    expect(result.output).toMatch(/\b4\.2\.\d+/);
  });

  it('the postgres stand-in: POSTGRES_* create the database, init scripts run once, data stays in its volume', async () => {
    const image = await ensureOfflineImage(d, postgresRecipe());
    const volume = `${owner}-pgdata`;
    volumes.push(volume);
    writeFileSync(join(dir, 'init.sql'), 'CREATE TABLE seeded (id int); INSERT INTO seeded VALUES (42);\n');
    const start = async () => {
      const container = await d.createContainer({
        Image: image.tag,
        Env: ['POSTGRES_DB=shop', 'POSTGRES_USER=shopper', 'POSTGRES_PASSWORD=s3cret'],
        Labels: { [TEST_LABEL]: owner },
        HostConfig: {
          Mounts: [
            { Type: 'volume', Source: volume, Target: '/var/lib/postgresql/data' },
            {
              Type: 'bind',
              Source: join(dir, 'init.sql'),
              Target: '/docker-entrypoint-initdb.d/init.sql',
              ReadOnly: true,
            },
          ],
        },
      });
      await container.start();
      return container;
    };
    const query = async (container: Docker.Container, sql: string) => {
      const exec = await container.exec({
        Cmd: ['psql', '-h', '127.0.0.1', '-U', 'shopper', '-d', 'shop', '-Atc', sql],
        Env: ['PGPASSWORD=s3cret'],
        AttachStdout: true,
        AttachStderr: true,
        // A TTY: the output comes raw, without the stream's frame headers.
        Tty: true,
      });
      const stream = await exec.start({ Tty: true });
      const chunks: Buffer[] = [];
      await new Promise((resolve) => {
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', resolve);
      });
      return Buffer.concat(chunks).toString('latin1');
    };
    const first = await start();
    const answer = await eventually(async () => {
      const out = await query(first, 'SELECT id FROM seeded');
      return out.includes('42') ? out : undefined;
    }, 60_000);
    expect(answer).toContain('42');
    await query(first, 'INSERT INTO seeded VALUES (7)');
    await first.stop({ t: 10 });
    await first.remove();
    // A second start on the same volume: no second init, the row written is still there.
    const second = await start();
    const rows = await eventually(async () => {
      const out = await query(second, 'SELECT count(*) FROM seeded');
      return /^\d+/m.test(out) ? out : undefined;
    }, 60_000);
    expect(rows.trim()).toBe('2');
    const logs = (await second.logs({ stdout: true, stderr: true })).toString('latin1');
    expect(logs).not.toMatch(/running \/docker-entrypoint-initdb\.d/);
    await second.remove({ force: true });
  });

  it('the postgres stand-in refuses to start without a password, saying what to set', async () => {
    const image = await ensureOfflineImage(d, postgresRecipe());
    const result = await run(d, owner, image.tag, []);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/POSTGRES_PASSWORD/);
  });

  it('the nginx stand-in: nginx 1.22 with the image layout; a mounted conf.d file replaces the default', async () => {
    const image = await ensureOfflineImage(d, nginxRecipe());
    const version = await run(d, owner, image.tag, ['nginx', '-v']);
    expect(version.output).toMatch(/nginx\/1\.22/);
    writeFileSync(
      join(dir, 'default.conf'),
      'server { listen 80; location / { return 200 "from conf.d\\n"; } }\n',
    );
    const container = await d.createContainer({
      Image: image.tag,
      Labels: { [TEST_LABEL]: owner },
      ExposedPorts: { '80/tcp': {} },
      HostConfig: {
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
        Mounts: [
          {
            Type: 'bind',
            Source: join(dir, 'default.conf'),
            Target: '/etc/nginx/conf.d/default.conf',
            ReadOnly: true,
          },
        ],
      },
    });
    await container.start();
    const port = (await container.inspect()).NetworkSettings.Ports['80/tcp']?.[0]?.HostPort;
    const body = await eventually(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).catch(
        () => null,
      );
      return response?.ok ? response.text() : undefined;
    }, 10_000);
    expect(body).toBe('from conf.d\n');
    // Its access log is the container's output, as with the nginx image.
    await eventually(async () =>
      /GET \/ HTTP/.test((await container.logs({ stdout: true, stderr: true })).toString('latin1')),
    );
    await container.remove({ force: true });
  });
});
