import { homedir } from 'node:os';
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

describe('depends_on', () => {
  test('the long form keeps its condition and required', async () => {
    const project = await load(
      'services:\n  web:\n    image: app\n    depends_on:\n      db: {condition: service_healthy}\n      migrate: {condition: service_completed_successfully, required: false}\n  db: {image: postgres}\n  migrate: {image: app}\n',
    );
    expect(serviceOf(project, 'web').dependsOn.map(({ at: _at, ...d }) => d)).toEqual([
      { service: 'db', condition: 'service_healthy', required: true },
      { service: 'migrate', condition: 'service_completed_successfully', required: false },
    ]);
    expect(serviceOf(project, 'web').dependsOn[0]?.at).toMatchObject({ line: 5, col: 7 });
  });
});

describe('healthcheck', () => {
  test('a string test is CMD-SHELL, durations are milliseconds', async () => {
    const service = await only(
      '    healthcheck:\n      test: curl -f http://localhost/ || exit 1\n      interval: 1m30s\n      timeout: 500ms\n      start_period: 1h\n      start_interval: 1.5s\n      retries: 5\n',
    );
    expect(service.healthcheck).toEqual({
      test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
      intervalMs: 90_000,
      timeoutMs: 500,
      startPeriodMs: 3_600_000,
      startIntervalMs: 1500,
      retries: 5,
    });
  });

  test("CMD and CMD-SHELL lists are kept; NONE and disable turn it off; no test keeps the image's", async () => {
    expect((await only('    healthcheck: {test: [CMD, pg_isready, -U, app]}\n')).healthcheck).toEqual({
      test: ['CMD', 'pg_isready', '-U', 'app'],
    });
    expect(
      (await only('    healthcheck: {test: [CMD-SHELL, "pg_isready || exit 1"]}\n')).healthcheck,
    ).toEqual({
      test: ['CMD-SHELL', 'pg_isready || exit 1'],
    });
    expect((await only('    healthcheck: {test: [NONE]}\n')).healthcheck).toEqual({ disable: true });
    expect((await only('    healthcheck: {disable: true}\n')).healthcheck).toEqual({ disable: true });
    expect((await only('    healthcheck: {interval: 5s}\n')).healthcheck).toEqual({
      test: [],
      intervalMs: 5000,
    });
  });
});

describe('volumes', () => {
  test('short forms: named, anonymous, relative and ~ binds, modes', async () => {
    const project = await load(
      web(
        '    volumes:\n      - data:/data\n      - /cache\n      - ./src:/app:ro,z\n      - ~/.ssh:/root/.ssh:ro\n      - /etc/hosts:/etc/hosts:rw\n',
      ) + 'volumes:\n  data:\n',
    );
    expect(serviceOf(project, 'web').volumes.map(({ at: _at, ...v }) => v)).toEqual([
      { type: 'volume', source: 'data', target: '/data', readOnly: false },
      { type: 'volume', target: '/cache', readOnly: false },
      { type: 'bind', source: join(project.dir, 'src'), target: '/app', readOnly: true },
      { type: 'bind', source: join(homedir(), '.ssh'), target: '/root/.ssh', readOnly: true },
      { type: 'bind', source: '/etc/hosts', target: '/etc/hosts', readOnly: false },
    ]);
  });

  test('the long form, its unused options warned about', async () => {
    const project = await load(
      web(
        '    volumes:\n      - type: volume\n        source: data\n        target: /data\n        volume: {nocopy: true}\n      - type: bind\n        source: ../shared\n        target: /shared\n        read_only: true\n      - {type: tmpfs, target: /tmp}\n      - {type: volume, target: /anon}\n',
      ) +
        'volumes:\n  data: {name: shop-data}\n  old: {external: true}\n  legacy: {external: {name: legacy-data}}\n',
    );
    expect(serviceOf(project, 'web').volumes.map(({ at: _at, ...v }) => v)).toEqual([
      { type: 'volume', source: 'data', target: '/data', readOnly: false },
      { type: 'bind', source: join(project.dir, '../shared'), target: '/shared', readOnly: true },
      { type: 'tmpfs', target: '/tmp', readOnly: false },
      { type: 'volume', target: '/anon', readOnly: false },
    ]);
    expect(project.volumes).toEqual({
      data: { external: false, name: 'shop-data' },
      old: { external: true },
      legacy: { external: true, name: 'legacy-data' },
    });
    expect(warningsOf(project)).toEqual([
      'DIR/compose.yaml:8:9: services.web.volumes[0].volume is ignored: upstream-lab does not act on it',
    ]);
  });
});

describe('ports and expose', () => {
  test('short forms', async () => {
    const service = await only(
      '    ports:\n      - 80\n      - "3000"\n      - "8080:80"\n      - "127.0.0.1:8081:81"\n      - "127.0.0.1::82"\n      - "[::1]:8083:83"\n      - "53:53/udp"\n      - "9000-9001:7000-7001"\n      - "5000-5001"\n',
    );
    expect(service.ports.map(({ at: _at, ...p }) => p)).toEqual([
      { target: 80, protocol: 'tcp' },
      { target: 3000, protocol: 'tcp' },
      { target: 80, published: 8080, protocol: 'tcp' },
      { target: 81, published: 8081, hostIp: '127.0.0.1', protocol: 'tcp' },
      { target: 82, hostIp: '127.0.0.1', protocol: 'tcp' },
      { target: 83, published: 8083, hostIp: '::1', protocol: 'tcp' },
      { target: 53, published: 53, protocol: 'udp' },
      { target: 7000, published: 9000, protocol: 'tcp' },
      { target: 7001, published: 9001, protocol: 'tcp' },
      { target: 5000, protocol: 'tcp' },
      { target: 5001, protocol: 'tcp' },
    ]);
    expect(service.ports[2]?.at).toMatchObject({ line: 7, col: 9 });
  });

  test('the long form, and a host range for one port publishes its first with a warning', async () => {
    const project = await load(
      web(
        '    ports:\n      - target: 80\n        published: "8080"\n        host_ip: 0.0.0.0\n        protocol: udp\n        mode: host\n      - {target: 443}\n      - "8000-8009:8000"\n',
      ),
    );
    expect(serviceOf(project, 'web').ports.map(({ at: _at, ...p }) => p)).toEqual([
      { target: 80, published: 8080, hostIp: '0.0.0.0', protocol: 'udp' },
      { target: 443, protocol: 'tcp' },
      { target: 8000, published: 8000, protocol: 'tcp' },
    ]);
    expect(warningsOf(project)).toEqual([
      'DIR/compose.yaml:11:9: host ports 8000-8009 for one container port: the lab publishes 8000',
    ]);
  });

  test('expose: numbers, strings, ranges, a protocol dropped', async () => {
    expect((await only('    expose: [8000, "9000", "7000-7002", "6000/udp"]\n')).expose).toEqual([
      8000, 9000, 7000, 7001, 7002, 6000,
    ]);
  });
});
