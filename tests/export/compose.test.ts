import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { composeYaml, exportCompose, exportNginx } from '../../core/export';
import { SAMPLE_BACKEND } from '../../core/lab/sample';
import { findExecutable, requires } from '../support/prerequisites';
import { labRecord } from './fixtures';

interface Service {
  build?: { context: string; args: Record<string, string> };
  image: string;
  environment?: Record<string, string>;
  expose?: string[];
  restart?: string;
  volumes?: string[];
  ports?: unknown[];
  depends_on?: string[] | Record<string, unknown>;
}

const servicesOf = (text: string): Record<string, Service> =>
  (parse(text, { merge: true }) as { services: Record<string, Service> }).services;

describe('exportCompose', () => {
  test('compose.yaml: backend1..N from one image built from the sample, nginx through the mirror', () => {
    const { files } = exportCompose(labRecord());
    expect(files.map((f) => f.name)).toEqual(['compose.yaml', 'nginx.conf']);
    const services = servicesOf(files[0]!.text);
    expect(Object.keys(services)).toEqual(['backend1', 'backend2', 'backend3', 'nginx']);
    for (const name of ['backend1', 'backend2', 'backend3']) {
      expect(services[name]).toEqual({
        // The sample's Dockerfile names its mirrors itself, as the course's does.
        build: { context: SAMPLE_BACKEND },
        image: 'upstream-lab/course-lab:latest',
        environment: { REPLICA_NAME: name },
        expose: ['8000'],
        restart: 'unless-stopped',
      });
    }
    expect(services.nginx).toEqual({
      image: 'docker.arvancloud.ir/nginx:1.27',
      volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro'],
      ports: ['8080:80'],
      depends_on: ['backend1', 'backend2', 'backend3'],
      restart: 'unless-stopped',
    });
    expect(isAbsolute(SAMPLE_BACKEND) && existsSync(join(SAMPLE_BACKEND, 'Dockerfile'))).toBe(true);
  });

  test('nginx.conf is the nginx export, and compose.yaml says it must sit beside it', () => {
    const record = labRecord();
    const { files } = exportCompose(record);
    expect(files[1]!.text).toBe(exportNginx(record));
    expect(files[0]!.text).toBe(composeYaml(record));
    expect(files[0]!.text).toMatch(/^# Lab "course-lab", exported by Upstream Lab/);
    expect(files[0]!.text).toContain('nginx.conf (exported with this file) must sit beside it');
  });

  test('ports are quoted: YAML 1.1 (docker-compose v1) reads a bare 8080:80 as a base-60 number', () => {
    const text = composeYaml(labRecord());
    expect(text).toContain('- "8080:80"');
    expect(text).toContain('- "8000"');
  });

  test("no mirror: Docker Hub's nginx; the project's Dockerfile as it is; the listen port is published", () => {
    const record = labRecord();
    record.settings = {
      ...record.settings,
      registryMirrors: [],
      pipIndex: '',
      offline: true,
      listen: '0.0.0.0:9090',
    };
    record.settings.replicas = 2;
    const services = servicesOf(composeYaml(record));
    expect(Object.keys(services)).toEqual(['backend1', 'backend2', 'nginx']);
    expect(services.backend2!.build!.args).toBeUndefined();
    expect(services.nginx!.image).toBe('nginx:1.27');
    expect(services.nginx!.ports).toEqual(['9090:80']);
    expect(services.nginx!.depends_on).toEqual(['backend1', 'backend2']);
  });

  test("a student's project folder is the build context, made absolute", () => {
    const record = labRecord();
    record.settings.project = 'my-django-app';
    expect(servicesOf(composeYaml(record)).backend1!.build!.context).toBe(resolve('my-django-app'));
    record.settings.project = '/home/student/my app';
    expect(servicesOf(composeYaml(record)).backend1!.build!.context).toBe('/home/student/my app');
  });
});

const compose = findExecutable('docker-compose', [
  '/usr/bin/docker-compose',
  '/usr/local/bin/docker-compose',
]);

function composeConfig(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      compose!,
      ['-f', 'compose.yaml', 'config'],
      { cwd: dir, encoding: 'utf8' },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

if (
  requires(
    'docker-compose',
    compose !== undefined,
    'install Docker Compose v1 (Debian: apt-get install docker-compose) to check the compose export',
  )
) {
  describe('real `docker-compose config` accepts the export', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'upstream-lab-compose-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    test('and normalizes it to the replicas and nginx', async () => {
      for (const file of exportCompose(labRecord()).files) await writeFile(join(dir, file.name), file.text);
      const run = await composeConfig(dir);
      expect(run.code, run.stderr).toBe(0);
      const services = servicesOf(run.stdout);
      expect(Object.keys(services).sort()).toEqual(['backend1', 'backend2', 'backend3', 'nginx']);
      expect(services.backend3!.build!.context).toBe(SAMPLE_BACKEND);
      expect(services.backend3!.image).toBe('upstream-lab/course-lab:latest');
      expect(services.backend3!.environment).toEqual({ REPLICA_NAME: 'backend3' });
      expect(services.nginx!.ports).toEqual([expect.objectContaining({ target: 80 })]);
      const [port] = services.nginx!.ports as { published: number | string }[];
      expect(String(port!.published)).toBe('8080');
      expect(services.nginx!.volumes).toEqual([`${join(dir, 'nginx.conf')}:/etc/nginx/nginx.conf:ro`]);
    });
  });
}
