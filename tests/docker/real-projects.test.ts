import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFilter } from '../../core/docker/labels';
import { labVolumeName } from '../../core/docker/volumes';
import { CliProcess } from '../support/cli-process';
import { cleanupLab, dockerReachable, eventually, testDocker, uniqueLab } from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { cookieHeader, cookiesOf, copyProject, makeWheel } from '../support/projects';
import { freePort } from '../support/target';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

/** `$upstream_addr $upstream_status` after the user agent in the access log. */
const ACCESS_LINE = /"(GET|POST) (\/\S*) HTTP\/1\.1" (\d{3}) \d+ "[^"]*" "[^"]*" (127\.0\.0\.1:\d+) (\d{3}) /;

describe.runIf(docker)('real projects run as they are written (real dockerd, no registry, no PyPI)', () => {
  const labs: string[] = [];
  const children: CliProcess[] = [];
  const removals: Array<() => void> = [];
  const d = testDocker();

  const cli = (args: string[]): CliProcess => {
    const p = new CliProcess(args);
    children.push(p);
    return p;
  };
  const newLab = (prefix: string): string => {
    const name = uniqueLab(prefix);
    labs.push(name);
    return name;
  };
  const project = (name: Parameters<typeof copyProject>[0]): string => {
    const copy = copyProject(name);
    removals.push(copy.remove);
    return copy.dir;
  };
  const containersOf = async (lab: string) =>
    (await d.listContainers({ all: true, filters: { label: [labFilter(lab)] } }))
      .map((c) => c.Names[0]!.slice(1))
      .sort();
  /** "listening on" comes with the first replica; tests that ask each replica wait for all three. */
  const allReady = (up: CliProcess) =>
    eventually(
      () =>
        ['backend1', 'backend2', 'backend3'].every((b) => new RegExp(`^${b}: ready at`, 'm').test(up.stdout)),
      60_000,
    );
  const replicaPort = async (lab: string, backend: string): Promise<number> => {
    const info = await d.getContainer(`${lab}-${backend}`).inspect();
    return Number(info.NetworkSettings.Ports['8000/tcp']?.[0]?.HostPort);
  };

  afterAll(async () => {
    for (const p of children) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    for (const lab of labs) {
      await cleanupLab(lab, [`upstream-lab/${lab}:latest`]);
      const volumes = (await d.listVolumes({ filters: { label: [labFilter(lab)] } })).Volumes ?? [];
      for (const v of volumes)
        await d
          .getVolume(v.Name)
          .remove()
          .catch(() => undefined);
    }
    for (const remove of removals) remove();
  }, 120_000);

  it("the course's repository: compose roles, postgres shared by 3 replicas, a login across hops, a kill without a failed GET, Ctrl-C keeps the data", async () => {
    const lab = newLab('course');
    const dir = project('course-repo');
    const port = await freePort();
    const up = cli(['up', '--project', dir, '--lab', lab, '--listen', `127.0.0.1:${port}`]);
    await up.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`), 240_000);
    const base = `http://127.0.0.1:${port}`;

    // What it read, before anything started: the roles and the changes it made to the context.
    expect(up.stdout).toMatch(
      /nginx: replaced by Upstream Lab's balancer; nginx\/nginx\.conf drives it \(published port 80\)/,
    );
    expect(up.stdout).toMatch(/backend1: backend1, a balanced replica/);
    expect(up.stdout).toMatch(/db: lab service \(postgres:16-alpine\); volume pgdata kept/);
    expect(up.stdout).toMatch(/Dockerfile is sent changed/);
    expect(up.stdout).toContain('-FROM docker.arvancloud.ir/python:3.13');
    expect(up.stderr).toMatch(/Django==5\.2\.5 → 4\.2\.\S+ from Debian/);
    expect(up.stdout).toMatch(/migrate: done/);
    // The user's files are untouched.
    expect((await import('node:fs')).readFileSync(join(dir, 'Dockerfile'), 'utf8')).toMatch(
      /^FROM docker\.arvancloud\.ir\/python:3\.13$/m,
    );

    // Written through the balancer, read back from each replica directly: one database.
    await allReady(up);
    const created = await fetch(`${base}/api/authors/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Hafez' }),
    });
    expect(created.status).toBe(201);
    for (const backend of ['backend1', 'backend2', 'backend3']) {
      const rows = (await (
        await fetch(`http://127.0.0.1:${await replicaPort(lab, backend)}/api/authors/`)
      ).json()) as Array<{ name: string }>;
      expect(
        rows.map((r) => r.name),
        backend,
      ).toContain('Hafez');
    }

    // An admin login made on one replica holds on the others (sessions in the shared database).
    const exec = await d.getContainer(`${lab}-backend1`).exec({
      Cmd: ['python', 'manage.py', 'createsuperuser', '--noinput'],
      Env: [
        'DJANGO_SUPERUSER_USERNAME=teacher',
        'DJANGO_SUPERUSER_PASSWORD=s3cret-pass',
        'DJANGO_SUPERUSER_EMAIL=t@example.com',
      ],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({});
    await new Promise((resolve) => stream.on('end', resolve).resume());
    const form = await fetch(`${base}/admin/login/`);
    const cookies = cookiesOf(form);
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await form.text())?.[1];
    expect(token).toBeTruthy();
    const login = await fetch(`${base}/admin/login/?next=/admin/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieHeader(cookies) },
      body: new URLSearchParams({
        csrfmiddlewaretoken: token!,
        username: 'teacher',
        password: 's3cret-pass',
        next: '/admin/',
      }),
    });
    expect(login.status).toBe(302);
    Object.assign(cookies, cookiesOf(login));
    expect(cookies.sessionid).toBeTruthy();
    for (let i = 0; i < 6; i++) {
      const page = await fetch(`${base}/admin/?hop=${i}`, {
        headers: { Cookie: cookieHeader(cookies) },
        redirect: 'manual',
      });
      expect(page.status, `hop ${i}`).toBe(200);
      expect(await page.text()).toContain('Site administration');
    }
    const hops = await eventually(() => {
      const addrs = new Set(
        up.stdout.split('\n').flatMap((l) => {
          const m = ACCESS_LINE.exec(l);
          return m && m[2]!.startsWith('/admin/?hop=') ? [m[4]!] : [];
        }),
      );
      return addrs.size >= 3 ? addrs : undefined;
    }, 5000);
    expect(hops.size).toBe(3);

    // A browser's POST carries Origin; on a port other than 80 with `Host $host`, Django refuses
    // it, as behind real nginx — and the lab says why and how to fix it.
    const refused = await fetch(`${base}/admin/login/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: cookieHeader(cookies),
        Origin: base,
      },
      body: new URLSearchParams({ csrfmiddlewaretoken: token!, username: 'teacher', password: 'x' }),
    });
    expect(refused.status).toBe(403);
    await eventually(() => /advice: Django refused a form POST \(CSRF\)/.test(up.stderr), 10_000);
    expect(up.stderr).toMatch(/proxy_set_header Host \$http_host;/);

    // Kill backend2 under steady GETs: every one answered.
    const statuses: number[] = [];
    const load = (async () => {
      const until = Date.now() + 4000;
      while (Date.now() < until) {
        statuses.push((await fetch(`${base}/api/authors/`).catch(() => ({ status: 0 }))).status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 800));
    await d.getContainer(`${lab}-backend2`).kill();
    await load;
    // Enough requests to span the kill (each one is slower on a loaded CI machine).
    expect(statuses.length).toBeGreaterThan(25);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // Ctrl-C: no container left; the database's volume stays.
    up.child.kill('SIGINT');
    expect(await up.exitCode(60_000), up.output).toBe(0);
    expect(await containersOf(lab)).toEqual([]);
    const volume = labVolumeName(lab, 'pgdata');
    expect((await d.getVolume(volume).inspect()).Name).toBe(volume);

    // Up again, nothing changed: the data is there, and migrate, already done against this very
    // database by this very image, is not run again.
    const again = cli(['up', '--project', dir, '--lab', lab, '--listen', `127.0.0.1:${port}`]);
    await again.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`), 120_000);
    expect(again.stdout).toMatch(/migrate \| nothing to do: the same image migrated this same database/);
    expect(again.stdout).not.toMatch(/Applying|No migrations to apply/);
    const rows = (await (await fetch(`${base}/api/authors/`)).json()) as Array<{ name: string }>;
    expect(rows.map((r) => r.name)).toContain('Hafez');
    again.child.kill('SIGINT');
    expect(await again.exitCode(60_000), again.output).toBe(0);

    const down = cli(['down', '--lab', lab, '--volumes']);
    expect(await down.exitCode(60_000), down.output).toBe(0);
    await expect(d.getVolume(volume).inspect()).rejects.toThrow();
  }, 400_000);

  it('a requirement nothing can meet offline stops before any build, naming it and what to do', async () => {
    const lab = newLab('unmet');
    const dir = project('course-repo');
    appendFileSync(join(dir, 'requirements.txt'), 'drf-spectacular==0.28.0\n');
    const up = cli(['up', '--project', dir, '--lab', lab, '--listen', `127.0.0.1:${await freePort()}`]);
    expect(await up.exitCode(120_000), up.output).toBe(1);
    expect(up.stderr).toMatch(/requirements\.txt:7: drf-spectacular==0\.28\.0/);
    expect(up.stderr).toMatch(/--wheelhouse/);
    expect(up.stdout).not.toMatch(/build: step/);
    // Printed once, not three times.
    expect(up.stderr.match(/drf-spectacular==0\.28\.0:/g)).toHaveLength(1);
    expect(await containersOf(lab)).toEqual([]);
  }, 180_000);

  it('a wheelhouse supplies what Debian has not; the build context carries it, the disk stays as it is', async () => {
    const lab = newLab('wheels');
    const dir = project('course-repo');
    appendFileSync(join(dir, 'requirements.txt'), 'labtools==1.0\n');
    const wheels = join(dir, '..', 'wheels');
    (await import('node:fs')).mkdirSync(wheels);
    makeWheel(wheels, 'labtools', '1.0', 'from the wheelhouse');
    const port = await freePort();
    const up = cli([
      'up',
      '--project',
      dir,
      '--lab',
      lab,
      '--listen',
      `127.0.0.1:${port}`,
      '--wheelhouse',
      wheels,
    ]);
    await up.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`), 240_000);
    expect(up.stdout).toMatch(/and 1 wheel\(s\) of the wheelhouse/);
    // The rewritten requirements keep only what the wheelhouse supplies.
    expect(up.stdout).toMatch(/^ {3}labtools==1\.0$/m);
    const exec = await d.getContainer(`${lab}-backend2`).exec({
      Cmd: ['python', '-c', 'import labtools; print(labtools.VALUE)'],
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    const stream = await exec.start({ Tty: true });
    let printed = '';
    await new Promise((resolve) =>
      stream.on('data', (c: Buffer) => (printed += c.toString())).on('end', resolve),
    );
    expect(printed).toContain('from the wheelhouse');
    up.child.kill('SIGINT');
    expect(await up.exitCode(60_000), up.output).toBe(0);
  }, 300_000);

  it('a replica that prints a traceback while starting, or exits, fails the start at once with its last lines', async () => {
    const lab = newLab('broken');
    const dir = project('course-repo');
    const started = Date.now();
    // A process that prints a traceback and stays alive, as runserver's autoreloader does after a broken import.
    const up = cli([
      'up',
      '--project',
      dir,
      '--lab',
      lab,
      '--listen',
      `127.0.0.1:${await freePort()}`,
      '--command',
      'sh -c "python -c \'import not_a_module_of_this_project\'; sleep 300"',
    ]);
    expect(await up.exitCode(240_000), up.output).toBe(1);
    expect(up.stderr).toMatch(/printed a Python traceback while starting/);
    expect(up.stderr).toMatch(/ModuleNotFoundError: No module named 'not_a_module_of_this_project'/);
    // Not the readiness timeout (60 s): the traceback decided it.
    expect(Date.now() - started).toBeLessThan(55_000);

    const exits = cli([
      'up',
      '--project',
      dir,
      '--lab',
      newLab('exits'),
      '--listen',
      `127.0.0.1:${await freePort()}`,
      '--command',
      'python -c "import sys; print(\'bye from the app\'); sys.exit(3)"',
    ]);
    expect(await exits.exitCode(240_000), exits.output).toBe(1);
    expect(exits.stderr).toMatch(/exited with code 3 while starting/);
    expect(exits.stderr).toContain('bye from the app');
  }, 400_000);

  it('a compose file with a schema error: FILE:LINE:COL, nothing started', async () => {
    const lab = newLab('schema');
    const dir = project('course-repo');
    const compose = join(dir, 'docker-compose.yml');
    const text = (await import('node:fs'))
      .readFileSync(compose, 'utf8')
      .replace('    image: postgres:16-alpine', '    imagee: postgres:16-alpine');
    writeFileSync(compose, text);
    const up = cli(['up', '--project', dir, '--lab', lab, '--listen', `127.0.0.1:${await freePort()}`]);
    expect(await up.exitCode(60_000), up.output).toBe(1);
    expect(up.stderr).toMatch(new RegExp(`${compose.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:5: .*imagee`));
    expect(await containersOf(lab)).toEqual([]);
  }, 90_000);

  it('an image without a CMD is reported at build time, not as replicas exiting 0', async () => {
    const lab = newLab('nocmd');
    const dir = project('no-cmd');
    const up = cli(['up', '--project', dir, '--lab', lab, '--listen', `127.0.0.1:${await freePort()}`]);
    expect(await up.exitCode(180_000), up.output).toBe(1);
    expect(up.stderr).toMatch(/Dockerfile has no CMD or ENTRYPOINT \(the image inherits `python3`/);
    expect(up.stderr).toMatch(/--command/);
    expect((await containersOf(lab)).filter((c) => /backend/.test(c))).toEqual([]);
  }, 240_000);

  it('--database postgres on a SQLite project: one database for all replicas, a driver added; --env over --env-file; --ready-path', async () => {
    const lab = newLab('shared');
    const dir = project('library-sqlite');
    const envFile = join(dir, '..', 'library.env');
    writeFileSync(envFile, 'LIBRARY_NAME=from-the-file\nDJANGO_DEBUG=False\n');
    const port = await freePort();
    const up = cli([
      'up',
      '--project',
      dir,
      '--lab',
      lab,
      '--listen',
      `127.0.0.1:${port}`,
      '--database',
      'postgres',
      '--env-file',
      envFile,
      '--env',
      'LIBRARY_NAME=from-the-flag',
      '--ready-path',
      '/catalog/',
    ]);
    await up.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`), 240_000);
    expect(up.stdout).toMatch(/psycopg2-binary added: --database postgres/);
    await allReady(up);
    expect(up.stderr).not.toMatch(/each of the 3 replicas has its own database file/);
    const added = await fetch(`http://127.0.0.1:${port}/catalog/add`, {
      method: 'POST',
      body: new URLSearchParams({ title: 'Shahnameh' }),
    });
    expect(added.status).toBe(201);
    for (const backend of ['backend1', 'backend2', 'backend3']) {
      const page = (await (
        await fetch(`http://127.0.0.1:${await replicaPort(lab, backend)}/catalog/`)
      ).json()) as { books: string[]; library: string };
      expect(page.books, backend).toEqual(['Shahnameh']);
      expect(page.library).toBe('from-the-flag');
    }
    up.child.kill('SIGINT');
    expect(await up.exitCode(60_000), up.output).toBe(0);
  }, 300_000);

  it('SQLite with 3 replicas: a clear warning and the fix; migrations run in each replica', async () => {
    const lab = newLab('sqlite');
    const dir = project('library-sqlite');
    const port = await freePort();
    const up = cli(['up', '--project', dir, '--lab', lab, '--listen', `127.0.0.1:${port}`]);
    await up.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`), 240_000);
    expect(up.stderr).toMatch(/the settings use SQLite: each of the 3 replicas has its own database file/);
    expect(up.stderr).toMatch(/--database postgres.*DATABASE_URL/);
    // gunicorn from Debian runs the app; each replica migrated its own file, so every one answers.
    await eventually(async () => {
      const answers = await Promise.all(
        ['backend1', 'backend2', 'backend3'].map(
          async (b) => (await fetch(`http://127.0.0.1:${await replicaPort(lab, b)}/catalog/`)).status,
        ),
      );
      return answers.every((s) => s === 200) || undefined;
    }, 30_000);
    up.child.kill('SIGINT');
    expect(await up.exitCode(60_000), up.output).toBe(0);
  }, 300_000);

  it('"Django on Docker": Python 3.11 on Debian bookworm, apt-get netcat offline, env_file, an entrypoint waiting for postgres, one service scaled to 3', async () => {
    const lab = newLab('dod');
    const dir = project('django-on-docker');
    // As many real files write it: the database's healthcheck, and the app waiting for it.
    const compose = join(dir, 'docker-compose.yml');
    writeFileSync(
      compose,
      (await import('node:fs'))
        .readFileSync(compose, 'utf8')
        .replace(
          '    depends_on:\n      - db\n',
          '    depends_on:\n      db:\n        condition: service_healthy\n',
        )
        .replace(
          '      - POSTGRES_DB=hello_django_dev\n',
          '      - POSTGRES_DB=hello_django_dev\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U hello_django"]\n      interval: 1s\n      retries: 30\n',
        ),
    );
    const port = await freePort();
    const up = cli(['up', '--project', dir, '--lab', lab, '--listen', `127.0.0.1:${port}`]);
    await up.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`), 300_000);
    expect(up.stdout).toMatch(/web: backend1, a balanced replica/);
    expect(up.stdout).toMatch(/Python 3\.11 \(Debian bookworm\)/);
    expect(up.stdout).toMatch(/migrate: done/);
    const page = await fetch(`http://127.0.0.1:${port}/admin/login/`);
    expect(page.status).toBe(200);
    up.child.kill('SIGINT');
    expect(await up.exitCode(60_000), up.output).toBe(0);
  }, 400_000);
});
