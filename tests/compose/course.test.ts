import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { COMPOSE_FILE_NAMES, findComposeFile, loadCompose, type ComposeProject } from '../../core/compose';
import { COURSE_COMPOSE, COURSE_COMPOSE_MERGED, COURSE_FILES } from './support/course';
import { projectDir, serviceOf } from './support/project';

const BACKEND_DEFAULTS = {
  DJANGO_SECRET_KEY: 'dev-secret',
  DJANGO_DEBUG: '1',
  DB_NAME: 'app',
  DB_USER: 'app',
  DB_PASSWORD: 'app',
  DB_HOST: 'db',
  DB_PORT: '5432',
};

async function course(
  files: Record<string, string> = {},
  options: { env?: Record<string, string>; envFiles?: string[]; compose?: string } = {},
): Promise<ComposeProject> {
  const dir = projectDir(
    { 'compose.yaml': options.compose ?? COURSE_COMPOSE, ...COURSE_FILES, ...files },
    'Course_Lab',
  );
  return loadCompose({
    dir,
    env: options.env ?? {},
    ...(options.envFiles ? { envFiles: options.envFiles.map((file) => join(dir, file)) } : {}),
  });
}

describe('the course compose file', () => {
  test.each([
    ['written out', COURSE_COMPOSE],
    ['with an anchor and merge keys', COURSE_COMPOSE_MERGED],
  ])('%s: five services in file order, the backends interpolated from their defaults', async (_, compose) => {
    const project = await course({}, { compose });
    expect(project.services.map((s) => s.name)).toEqual(['db', 'backend1', 'backend2', 'backend3', 'nginx']);
    expect(project.name).toBe('course_lab');
    expect(project.warnings).toEqual([]);
    for (const n of [1, 2, 3]) {
      const backend = serviceOf(project, `backend${n}`);
      expect(backend.environment).toEqual(BACKEND_DEFAULTS);
      expect(backend.containerName).toBe(`backend${n}`);
      expect(backend.build).toEqual({ context: project.dir, dockerfile: 'Dockerfile', args: {} });
      expect(backend.dependsOn).toMatchObject([
        { service: 'db', condition: 'service_started', required: true },
      ]);
    }
    expect(serviceOf(project, 'db').environment).toEqual({
      POSTGRES_DB: 'app',
      POSTGRES_USER: 'app',
      POSTGRES_PASSWORD: 'app',
    });
  });

  test('nginx: its bind mount is absolute and read-only, 80:80 is published, it waits for the backends', async () => {
    const project = await course();
    const nginx = serviceOf(project, 'nginx');
    expect(nginx.image).toBe('nginx:alpine');
    expect(nginx.volumes).toEqual([
      {
        type: 'bind',
        source: join(project.dir, 'nginx/nginx.conf'),
        target: '/etc/nginx/nginx.conf',
        readOnly: true,
        at: { file: project.file, line: 51, col: 9 },
      },
    ]);
    expect(nginx.volumes[0]?.source).toMatch(/^\/.*nginx\/nginx\.conf$/);
    expect(nginx.ports).toEqual([
      { target: 80, published: 80, protocol: 'tcp', at: { file: project.file, line: 49, col: 9 } },
    ]);
    expect(nginx.dependsOn.map((d) => [d.service, d.condition])).toEqual([
      ['backend1', 'service_started'],
      ['backend2', 'service_started'],
      ['backend3', 'service_started'],
    ]);
  });

  test('the named volume pgdata is declared and mounted by db', async () => {
    const project = await course();
    expect(project.volumes).toEqual({ pgdata: { external: false } });
    expect(serviceOf(project, 'db').volumes).toMatchObject([
      { type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false },
    ]);
  });

  test('.env beside the compose file wins over the defaults', async () => {
    const project = await course({ '.env': 'DB_NAME=shop\nDJANGO_DEBUG=0\n' });
    expect(serviceOf(project, 'backend2').environment).toEqual({
      ...BACKEND_DEFAULTS,
      DB_NAME: 'shop',
      DJANGO_DEBUG: '0',
    });
    expect(serviceOf(project, 'db').environment.POSTGRES_DB).toBe('shop');
    expect(project.variables).toEqual({ DB_NAME: 'shop', DJANGO_DEBUG: '0' });
  });

  test('the process environment wins over .env', async () => {
    const project = await course(
      { '.env': 'DB_NAME=shop\nDB_HOST=dotenv-host\n' },
      { env: { DB_HOST: 'shell-host' } },
    );
    expect(serviceOf(project, 'backend3').environment).toMatchObject({
      DB_NAME: 'shop',
      DB_HOST: 'shell-host',
    });
    expect(project.variables).toEqual({ DB_NAME: 'shop', DB_HOST: 'shell-host' });
  });

  test('--env-file files replace .env, read in order, the later winning', async () => {
    const project = await course(
      {
        '.env': 'DB_NAME=ignored\nDB_PORT=1\n',
        'ci.env': 'DB_NAME=ci\nDB_USER=ci\n',
        'local.env': 'DB_USER=me\n',
      },
      { envFiles: ['ci.env', 'local.env'] },
    );
    expect(serviceOf(project, 'backend1').environment).toEqual({
      ...BACKEND_DEFAULTS,
      DB_NAME: 'ci',
      DB_USER: 'me',
    });
  });

  test('a missing --env-file is an error naming it', async () => {
    await expect(course({}, { envFiles: ['nope.env'] })).rejects.toThrow(
      /cannot read ".*\/nope\.env": no such file/,
    );
  });
});

describe('finding the compose file', () => {
  test('Compose order: compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml', () => {
    expect(COMPOSE_FILE_NAMES).toEqual([
      'compose.yaml',
      'compose.yml',
      'docker-compose.yml',
      'docker-compose.yaml',
    ]);
    const dir = projectDir({ 'docker-compose.yaml': '', 'docker-compose.yml': '', 'compose.yml': '' });
    expect(findComposeFile(dir)).toBe(join(dir, 'compose.yml'));
    writeFileSync(join(dir, 'compose.yaml'), '');
    expect(findComposeFile(dir)).toBe(join(dir, 'compose.yaml'));
  });

  test('a folder without one gives null, and loading it says so', async () => {
    const dir = projectDir({ Dockerfile: 'FROM python\n' });
    expect(findComposeFile(dir)).toBeNull();
    expect(findComposeFile(join(dir, 'Dockerfile'))).toBeNull();
    await expect(loadCompose({ dir, env: {} })).rejects.toThrow(`cannot read "${dir}": no compose file`);
  });

  test('--compose FILE is read instead, relative paths resolved from its folder', async () => {
    const dir = projectDir({
      'deploy/lab.yml': 'services:\n  web:\n    build: ..\n',
      'compose.yaml': 'services: {}\n',
    });
    const project = await loadCompose({ dir, file: join(dir, 'deploy/lab.yml'), env: {} });
    expect(project.file).toBe(join(dir, 'deploy/lab.yml'));
    expect(project.dir).toBe(join(dir, 'deploy'));
    expect(serviceOf(project, 'web').build?.context).toBe(dir);
  });

  test('a missing --compose FILE is an error naming it', async () => {
    const dir = projectDir({});
    await expect(loadCompose({ dir, file: join(dir, 'nope.yaml'), env: {} })).rejects.toThrow(
      `cannot read "${join(dir, 'nope.yaml')}": no such file`,
    );
  });
});
