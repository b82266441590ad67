import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAnyNginxConfig } from '../../core/nginx';
import { namingReplicas } from '../../core/project/compose-plan';
import { readProject } from '../../core/project/read-project';
import { copyProject } from '../support/projects';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A project folder with these files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ul-plan-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const DJANGO = {
  'app/Dockerfile':
    'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["gunicorn", "hello.wsgi:application", "--bind", "0.0.0.0:8000"]\n',
  'app/requirements.txt': 'Django==4.2.3\ngunicorn\n',
  'app/manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hello.settings')\n",
  'app/hello/settings.py':
    "import os\nINSTALLED_APPS = ['django.contrib.auth']\nDATABASES = {'default': {'ENGINE': os.environ.get('SQL_ENGINE', 'django.db.backends.sqlite3'), 'HOST': os.environ.get('SQL_HOST')}}\n",
};

describe('what a compose project runs as', () => {
  it("the course's repository: nginx replaced, backend1..3 the replicas, db a lab service", async () => {
    const copy = copyProject('course-repo');
    dirs.push(join(copy.dir, '..'));
    const plan = await readProject({ dir: copy.dir });
    expect(plan.roles.map((r) => `${r.service}:${r.role}`)).toEqual([
      'nginx:balancer',
      'backend1:replica',
      'backend2:replica',
      'backend3:replica',
      'db:service',
    ]);
    expect(plan.balancer?.port).toBe(80);
    expect(plan.replicas.map((r) => [r.name, r.aliases, r.env.DB_HOST])).toEqual([
      ['backend1', [], 'db'],
      ['backend2', [], 'db'],
      ['backend3', [], 'db'],
    ]);
    expect(plan.migrate).toBe('once');
    expect(plan.replicasMigrate).toBe(false);
    // Shown in the dashboard as written, for the explanations beside them.
    expect(plan.files?.map((f) => [f.kind, f.file, f.text.length > 0])).toEqual([
      ['dockerfile', expect.stringMatching(/Dockerfile$/), true],
      ['nginx', expect.stringMatching(/nginx\.conf$/), true],
    ]);
  });

  it('an nginx built from ./nginx with its conf copied into conf.d (testdriven prod): the balancer; web scaled', async () => {
    const dir = project({
      ...DJANGO,
      'docker-compose.prod.yml': [
        'services:',
        '  web:',
        '    build: ./app',
        '    expose: ["8000"]',
        '  nginx:',
        '    build: ./nginx',
        '    ports: ["1337:80"]',
        '    depends_on: [web]',
        '',
      ].join('\n'),
      'nginx/Dockerfile':
        'FROM nginx:1.25\nRUN rm /etc/nginx/conf.d/default.conf\nCOPY nginx.conf /etc/nginx/conf.d\n',
      'nginx/nginx.conf':
        'upstream hello_django {\n    server web:8000;\n}\n\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://hello_django;\n    }\n}\n',
    });
    const plan = await readProject({ dir, composeFile: join(dir, 'docker-compose.prod.yml') });
    expect(plan.roles.map((r) => `${r.service}:${r.role}`)).toEqual([
      'nginx:balancer',
      'web:replica',
      'web:replica',
      'web:replica',
    ]);
    expect(plan.balancer?.port).toBe(1337);
    const servers = plan.balancer!.config.upstreams[0]!.servers.map((s) => s.address);
    expect(servers).toEqual(['backend1:8000', 'backend2:8000', 'backend3:8000']);
    // Every replica answers to `web` on the lab network, as compose's scaled service would.
    expect(plan.replicas.every((r) => r.aliases.includes('web'))).toBe(true);
  });

  it('a service that builds an image of its own is left out, saying why; the app is the one that publishes a port', async () => {
    const dir = project({
      ...DJANGO,
      'worker/Dockerfile': 'FROM python:3.12\nCMD ["python", "-m", "worker"]\n',
      'compose.yaml':
        'services:\n  web:\n    build: ./app\n    ports: ["8000:8000"]\n  worker:\n    build: ./worker\n',
    });
    // The one that publishes a port is the app.
    const plan = await readProject({ dir });
    expect(plan.roles.map((r) => r.service)).toEqual(['web', 'web', 'web']);
    expect(plan.services).toEqual([]);
    expect(plan.warnings.join('\n')).toMatch(
      /service "worker" is not started: it builds its own image \(worker\/Dockerfile\)/,
    );
  });

  it('a replica entrypoint that migrates by itself: the replicas start after the lab migrated', async () => {
    const dir = project({
      ...DJANGO,
      'app/entrypoint.sh':
        '#!/bin/sh\npython manage.py flush --no-input\npython manage.py migrate\nexec "$@"\n',
      'app/Dockerfile':
        'FROM python:3.12\nWORKDIR /usr/src/app\nCOPY . .\nRUN pip install -r requirements.txt\nENTRYPOINT ["/usr/src/app/entrypoint.sh"]\n',
      'compose.yaml':
        'services:\n  web:\n    build: ./app\n    command: python manage.py runserver 0.0.0.0:8000\n    environment: [SQL_ENGINE=django.db.backends.postgresql, SQL_HOST=db]\n  db:\n    image: postgres:15\n    environment: [POSTGRES_PASSWORD=x]\n',
    });
    const plan = await readProject({ dir });
    expect(plan.migrate).toBe('once');
    expect(plan.replicasMigrate).toBe(true);
  });

  it('--database postgres needs settings that read a database variable', async () => {
    const dir = project({
      Dockerfile: 'FROM python:3.12\nCOPY . .\nCMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]\n',
      'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
      'site1/settings.py':
        "INSTALLED_APPS = ['django.contrib.auth']\nDATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db.sqlite3'}}\n",
    });
    const plan = await readProject({ dir });
    expect(plan.migrate).toBe('each');
    expect(plan.warnings.join('\n')).toMatch(
      /each of the 3 replicas has its own database file.*cannot do it for you/,
    );
    await expect(readProject({ dir, database: 'postgres' })).rejects.toThrow(/read no database variable/);
  });
});

describe('mistakes a project ships with', () => {
  it('an env_file that is not there, with its template beside it: says which to copy', async () => {
    const dir = project({
      ...DJANGO,
      '.env.dev-sample': 'DEBUG=1\n',
      'compose.yaml': 'services:\n  web:\n    build: ./app\n    env_file:\n      - ./.env.dev\n',
    });
    await expect(readProject({ dir })).rejects.toThrow(
      /compose\.yaml:5:9: .*env file .*\.env\.dev not found \(there is \.env\.dev-sample beside it: copy it to \.env\.dev and fill it in\)/,
    );
  });
});

describe('a conf handed over with --config', () => {
  it('a conf.d file (upstream and server at its top) is read as nginx images include it', () => {
    const text =
      'upstream pool {\n    server web:8000;\n}\nserver {\n    listen 80;\n    location / { proxy_pass http://pool; }\n}\n';
    const { config } = parseAnyNginxConfig(text, 'default.conf');
    expect(config.upstreams[0]?.servers.map((s) => s.address)).toEqual(['web:8000']);
    // A mistake keeps its own line and column.
    expect(() =>
      parseAnyNginxConfig('upstream pool {\n    server web:8000 weight=x;\n}\n', 'default.conf'),
    ).toThrow(/^default\.conf:2:\d+: invalid parameter "weight=x"$/);
    // On the first line too, where the surrounding http context is prepended.
    expect(() =>
      parseAnyNginxConfig('upstream pool { server web:8000 weight=x; }\n', 'default.conf'),
    ).toThrow(/^default\.conf:1:33: invalid parameter "weight=x"$/);
  });

  it("its servers that name the project's services become the replicas' lines", async () => {
    const dir = project({
      ...DJANGO,
      'compose.yaml': 'services:\n  was:\n    build: ./app\n',
    });
    const plan = await readProject({ dir, replicas: 2 });
    const { config } = parseAnyNginxConfig(
      'upstream app { server was:8000 max_fails=2; server 10.0.0.9:80 backup; }\nserver { listen 80; location / { proxy_pass http://app; } }\n',
      'x.conf',
    );
    const named = namingReplicas(config, plan).upstreams[0]!.servers;
    expect(named.map((s) => `${s.address} ${s.maxFails}`)).toEqual([
      'backend1:8000 2',
      'backend2:8000 2',
      '10.0.0.9:80 1',
    ]);
  });
});
