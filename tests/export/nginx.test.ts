import { describe, expect, test } from 'vitest';
import type { ProxyConfig } from '../../core/balancer/config';
import { ExportError, exportNginx } from '../../core/export';
import { parseNginxConfig } from '../../core/nginx';
import { nginxBinary, requires } from '../support/prerequisites';
import { nginxTest } from '../nginx/support/nginx-test-run';
import { labRecord, SEED_NGINX_CONF } from './fixtures';

const SEED_HEADERS = [
  { name: 'Host', value: '$host' },
  { name: 'X-Real-IP', value: '$remote_addr' },
  { name: 'X-Forwarded-For', value: '$proxy_add_x_forwarded_for' },
  { name: 'X-Forwarded-Proto', value: '$scheme' },
  { name: 'X-Forwarded-Host', value: '$server_name' },
];

const parsed = (text: string): ProxyConfig => parseNginxConfig(text, 'exported.conf').config;

const serverLines = (config: ProxyConfig) =>
  config.upstreams[0]!.servers.map((s) => ({
    address: s.address,
    weight: s.weight,
    maxFails: s.maxFails,
    failTimeoutSec: s.failTimeoutSec,
    backup: s.backup,
  }));

/** A lab imported from a student's nginx.conf: least_conn, two replicas, listening on 8081. */
function importedRecord() {
  const record = labRecord();
  record.importedConfig = {
    file: '/home/student/lab/nginx.conf',
    text: SEED_NGINX_CONF.replace('upstream backend_pool {', 'upstream backend_pool {\n        least_conn;')
      .replace(/^\s*server backend3:8000.*$/m, '')
      .replace('listen 80;', 'listen 8081;'),
  };
  record.settings.method = 'least_conn';
  record.settings.backends = {
    backend1: { weight: 5, maxFails: 3, failTimeoutSec: 30, backup: false },
    backend2: { weight: 1, maxFails: 4, failTimeoutSec: 30, backup: false },
  };
  return record;
}

describe('exportNginx', () => {
  test("is the seed's form with the weights and parameters as tuned", () => {
    const text = exportNginx(labRecord());
    expect(text).toMatch(/^# Lab "course-lab", exported by Upstream Lab/);
    expect(text).toContain('events {}\n\nhttp {\n    upstream backend_pool {\n');
    expect(text).toContain('        server backend1:8000 max_fails=3 fail_timeout=30s weight=3;\n');
    expect(text).toContain('        server backend2:8000 max_fails=2 fail_timeout=30s weight=2;\n');
    expect(text).toContain('        server backend3:8000 max_fails=3 fail_timeout=10s weight=1;\n');
    expect(text).toContain('        listen 80;\n');
    expect(text).toContain('            proxy_pass http://backend_pool;\n');
    for (const { name, value } of SEED_HEADERS) expect(text).toContain(`proxy_set_header ${name} ${value};`);
  });

  test('parses back to the servers, parameters, listen and headers it was written from', () => {
    const config = parsed(exportNginx(labRecord()));
    expect(config.upstreams.map((u) => u.name)).toEqual(['backend_pool']);
    expect(config.upstreams[0]!.method).toEqual({ kind: 'round_robin' });
    expect(serverLines(config)).toEqual([
      { address: 'backend1:8000', weight: 3, maxFails: 3, failTimeoutSec: 30, backup: false },
      { address: 'backend2:8000', weight: 2, maxFails: 2, failTimeoutSec: 30, backup: false },
      { address: 'backend3:8000', weight: 1, maxFails: 3, failTimeoutSec: 10, backup: false },
    ]);
    expect(config.servers).toHaveLength(1);
    expect(config.servers[0]!.listen).toEqual([{ host: '0.0.0.0', port: 80, defaultServer: false }]);
    const location = config.servers[0]!.locations[0]!;
    expect(location.path).toBe('/');
    expect(location.proxy?.upstream).toBe('backend_pool');
    expect(location.proxy?.setHeaders).toEqual(SEED_HEADERS);
  });

  test('has one server line per replica, with the defaults where nothing was tuned', () => {
    const record = labRecord();
    record.settings.replicas = 5;
    record.settings.defaults = { weight: 2, maxFails: 1, failTimeoutSec: 15, backup: false };
    const servers = serverLines(parsed(exportNginx(record)));
    expect(servers.map((s) => s.address)).toEqual([1, 2, 3, 4, 5].map((n) => `backend${n}:8000`));
    expect(servers[4]).toEqual({
      address: 'backend5:8000',
      weight: 2,
      maxFails: 1,
      failTimeoutSec: 15,
      backup: false,
    });
  });

  test('an imported config keeps its form and takes the tuning, the replica count and port 80', () => {
    const record = importedRecord();
    record.settings.replicas = 3;
    const text = exportNginx(record);
    expect(text).toMatch(/^# Lab "course-lab", exported by Upstream Lab from nginx\.conf /);
    const config = parsed(text);
    expect(config.upstreams[0]!.method).toEqual({ kind: 'least_conn' });
    expect(serverLines(config)).toEqual([
      { address: 'backend1:8000', weight: 5, maxFails: 3, failTimeoutSec: 30, backup: false },
      { address: 'backend2:8000', weight: 1, maxFails: 4, failTimeoutSec: 30, backup: false },
      // Scaled up after the import: the new replica gets the first one's line with the defaults.
      { address: 'backend3:8000', weight: 1, maxFails: 3, failTimeoutSec: 30, backup: false },
    ]);
    expect(config.servers[0]!.listen).toEqual([{ host: '0.0.0.0', port: 80, defaultServer: false }]);
  });

  test('an imported config follows a method changed after the import, and drops replicas scaled away', () => {
    const record = importedRecord();
    record.settings.method = 'round_robin';
    record.settings.replicas = 1;
    const config = parsed(exportNginx(record));
    expect(config.upstreams[0]!.method).toEqual({ kind: 'round_robin' });
    expect(serverLines(config).map((s) => s.address)).toEqual(['backend1:8000']);
  });

  test('settings nginx would refuse, or an imported config that no longer parses, are an ExportError', () => {
    const backupWithHash = labRecord();
    backupWithHash.settings.method = 'ip_hash';
    backupWithHash.settings.backends.backend3 = { backup: true };
    expect(() => exportNginx(backupWithHash)).toThrow(ExportError);
    expect(() => exportNginx(backupWithHash)).toThrow(/nginx would refuse/);

    const broken = labRecord();
    broken.importedConfig = { file: 'broken.conf', text: 'http { upstream x { server' };
    expect(() => exportNginx(broken)).toThrow(/imported nginx\.conf no longer parses: broken\.conf:1:/);
  });
});

const nginx = nginxBinary();
if (
  requires('nginx', nginx !== undefined, 'install nginx (Debian: apt-get install nginx) to check exports')
) {
  describe('real nginx -t accepts the export', () => {
    // nginx -t resolves every server name; Compose service names only resolve inside Compose.
    const local = { addressFor: (backend: string) => `127.0.0.1:${19000 + Number(backend.slice(7))}` };

    test('the tuned course lab', async () => {
      const text = exportNginx(labRecord(), local);
      expect(text).toContain('server 127.0.0.1:19002 max_fails=2 fail_timeout=30s weight=2;');
      const result = await nginxTest(nginx!, text);
      expect(result.ok, result.output).toBe(true);
    });

    test('an imported, rescaled lab', async () => {
      const record = importedRecord();
      record.settings.replicas = 4;
      const result = await nginxTest(nginx!, exportNginx(record, local));
      expect(result.ok, result.output).toBe(true);
    });
  });
}
