import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ComposeService } from '../../core/compose';
import { load, serviceOf, warningsOf } from './support/project';

const web = (body: string): string => `services:\n  web:\n    image: nginx\n${body}`;
const only = async (
  body: string,
  files: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ComposeService> => serviceOf(await load(web(body), files, { env }), 'web');

describe('environment', () => {
  test('list and map forms give the same strings; numbers and booleans as Compose writes them', async () => {
    const env = { FROM_SHELL: 'shell' };
    const list = await only(
      '    environment:\n      - A=1\n      - B=x=y\n      - EMPTY=\n      - FROM_SHELL\n      - NOT_SET\n',
      {},
      env,
    );
    const map = await only(
      '    environment:\n      A: 1\n      B: x=y\n      EMPTY: ""\n      FROM_SHELL:\n      NOT_SET:\n',
      {},
      env,
    );
    expect(list.environment).toEqual({ A: '1', B: 'x=y', EMPTY: '', FROM_SHELL: 'shell' });
    expect(map.environment).toEqual(list.environment);
    expect((await only('    environment: {T: true, F: false, R: 1.50, Z: 0x1f}\n')).environment).toEqual({
      T: 'true',
      F: 'false',
      R: '1.5',
      Z: '31',
    });
  });

  test('env_file files in order, `required: false` may be missing, environment wins over them', async () => {
    const service = await only(
      '    env_file:\n      - defaults.env\n      - path: ./local.env\n        required: false\n      - path: override.env\n        required: true\n    environment:\n      - A=from-environment\n',
      {
        'defaults.env': 'A=defaults\nB=defaults\nC=defaults\n',
        'override.env': 'C=override\nD=${B:-none}\n',
      },
    );
    expect(service.environment).toEqual({ A: 'from-environment', B: 'defaults', C: 'override', D: 'none' });
  });

  test('env_file as one string', async () => {
    expect((await only('    env_file: app.env\n', { 'app.env': 'export A="1 2"\n' })).environment).toEqual({
      A: '1 2',
    });
  });
});

describe('command, entrypoint, build and the rest', () => {
  test('a string command is split as shell words; a list is kept; null is the image default', async () => {
    expect((await only('    command: sh -c "a && b"\n')).command).toEqual(['sh', '-c', 'a && b']);
    expect((await only('    command: ["sh", "-c", \'a && b\']\n')).command).toEqual(['sh', '-c', 'a && b']);
    expect((await only("    entrypoint: /docker-entrypoint.sh --flag 'x y'\n")).entrypoint).toEqual([
      '/docker-entrypoint.sh',
      '--flag',
      'x y',
    ]);
    expect(await only('    command: null\n')).not.toHaveProperty('command');
  });

  test('build: the long form, args as a list (bare from the variables) or a map', async () => {
    const project = await load(
      'services:\n  api:\n    build:\n      context: ./backend\n      dockerfile: docker/Dockerfile.prod\n      target: runtime\n      args:\n        - PYTHON=3.13\n        - PIP_INDEX_URL\n        - UNSET_ARG\n  worker:\n    build:\n      context: backend\n      args: {N: 2}\n      cache_from: [app]\n',
      {},
      { env: { PIP_INDEX_URL: 'https://mirror/simple' } },
    );
    expect(serviceOf(project, 'api').build).toEqual({
      context: join(project.dir, 'backend'),
      dockerfile: 'docker/Dockerfile.prod',
      target: 'runtime',
      args: { PYTHON: '3.13', PIP_INDEX_URL: 'https://mirror/simple' },
    });
    expect(serviceOf(project, 'worker').build).toEqual({
      context: join(project.dir, 'backend'),
      dockerfile: 'Dockerfile',
      args: { N: '2' },
    });
    expect(warningsOf(project)).toEqual([
      'DIR/compose.yaml:15:7: services.worker.build.cache_from is ignored: upstream-lab does not act on it',
    ]);
  });

  test('container_name, working_dir, user, restart, replicas (deploy.replicas, else scale)', async () => {
    const service = await only(
      '    container_name: shop-web\n    working_dir: /srv\n    user: "1000:1000"\n    restart: on-failure:3\n    deploy: {replicas: 3}\n',
    );
    expect(service).toMatchObject({
      containerName: 'shop-web',
      workingDir: '/srv',
      user: '1000:1000',
      restart: 'on-failure:3',
      replicas: 3,
    });
    expect((await only('    scale: "2"\n')).replicas).toBe(2);
  });
});

describe('profiles', () => {
  const compose =
    'services:\n  web:\n    image: app\n  debug:\n    image: busybox\n    profiles: [debug]\n  docs:\n    image: docs\n    profiles: [docs, all]\n';

  test('services of inactive profiles are left out; COMPOSE_PROFILES (env or .env) turns them on', async () => {
    expect((await load(compose)).services.map((s) => s.name)).toEqual(['web']);
    expect(
      (await load(compose, {}, { env: { COMPOSE_PROFILES: 'all' } })).services.map((s) => s.name),
    ).toEqual(['web', 'docs']);
    expect(
      (await load(compose, { '.env': 'COMPOSE_PROFILES=debug, docs\n' })).services.map((s) => s.name),
    ).toEqual(['web', 'debug', 'docs']);
    expect((await load(compose, {}, { env: { COMPOSE_PROFILES: '*' } })).services).toHaveLength(3);
  });

  test('depending on a service of an inactive profile is an error, unless not required', async () => {
    const needs = (required: boolean): string =>
      `services:\n  web:\n    image: app\n    depends_on:\n      debug: {condition: service_started, required: ${required}}\n  debug:\n    image: busybox\n    profiles: [debug]\n`;
    await expect(load(needs(true))).rejects.toThrow(
      /:5:7: service "web" depends on "debug", which only runs with the profile debug \(set COMPOSE_PROFILES\)$/,
    );
    const project = await load(needs(false));
    expect(serviceOf(project, 'web').dependsOn).toEqual([]);
    expect(warningsOf(project)).toEqual([
      'DIR/compose.yaml:5:7: "debug" is not started: its profiles debug are not active',
    ]);
  });
});

describe('what the lab reads but does not act on', () => {
  test('networks, deploy.resources, secrets, configs, extends, include ... are warned about at their key', async () => {
    const project = await load(
      'version: "3.9"\ninclude: [other.yaml]\nx-common: &common\n  restart: always\nservices:\n  web:\n    <<: *common\n    image: app\n    networks: [front]\n    deploy:\n      replicas: 2\n      resources: {limits: {cpus: "0.5"}}\n    secrets: [token]\n    extends: {service: base}\n    labels: {a: b}\n    x-note: ignored silently\nnetworks:\n  front: {}\nsecrets:\n  token: {file: ./token}\n',
    );
    expect(serviceOf(project, 'web')).toMatchObject({ restart: 'always', replicas: 2 });
    expect(warningsOf(project)).toEqual([
      'DIR/compose.yaml:1:1: the attribute `version` is obsolete, it will be ignored',
      'DIR/compose.yaml:2:1: include is ignored: upstream-lab reads one compose file; copy the included services into it',
      "DIR/compose.yaml:9:5: services.web.networks is ignored: every service runs on the lab's one network",
      'DIR/compose.yaml:12:7: services.web.deploy.resources is ignored: upstream-lab does not act on it',
      'DIR/compose.yaml:13:5: services.web.secrets is ignored: upstream-lab mounts no secrets',
      'DIR/compose.yaml:14:5: services.web.extends is ignored: upstream-lab does not merge services; write the service out in full',
      'DIR/compose.yaml:15:5: services.web.labels is ignored: upstream-lab does not act on it',
      "DIR/compose.yaml:17:1: networks is ignored: every service runs on the lab's one network",
      'DIR/compose.yaml:19:1: secrets is ignored: upstream-lab mounts no secrets',
    ]);
  });

  test("YAML tags the parser does not know (Compose's !reset, !override) are warned about, their value kept", async () => {
    const project = await load(web('    command: !reset [serve]\n'));
    expect(serviceOf(project, 'web').command).toEqual(['serve']);
    expect(warningsOf(project)).toEqual(['DIR/compose.yaml:4:14: Unresolved tag: !reset']);
  });

  test('merge keys: explicit keys win, then the earlier of several merged maps', async () => {
    const project = await load(
      'x-a: &a {image: a, restart: always, user: a}\nx-b: &b {image: b, working_dir: /b, user: b}\nservices:\n  web:\n    <<: [*a, *b]\n    user: web\n',
    );
    expect(serviceOf(project, 'web')).toMatchObject({
      image: 'a',
      restart: 'always',
      workingDir: '/b',
      user: 'web',
    });
  });

  test('the project name: top-level name, interpolated, else the folder name as Compose normalizes it', async () => {
    expect((await load('name: ${STAGE:-dev}-shop\nservices: {}\n')).name).toBe('dev-shop');
    expect((await load('services: {}\n')).name).toBe('shop');
  });
});
