import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseNginxConfig } from '../../core/nginx/load-config';
import { SEED_PATH, seedText } from './support/fixtures';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function checkConfig(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/upstream-lab.mjs', 'check-config', ...args],
      { cwd: REPO, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upstream-lab-check-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('upstream-lab check-config FILE (a real process)', () => {
  test('prints upstreams with every server parameter, server blocks and warnings; exits 0', async () => {
    const run = await checkConfig(SEED_PATH);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`${SEED_PATH}: ok (1 upstream, 1 server block, 0 warnings)`);
    expect(lines).toContain('upstream backend_pool (round_robin, no keepalive)');
    for (const n of [1, 2, 3]) {
      expect(lines).toContain(
        `    server backend${n}:8000 weight=1 max_fails=3 fail_timeout=30s max_conns=0 slow_start=0`,
      );
    }
    expect(lines).toContain('server listen 0.0.0.0:80; server_name ""');
    expect(lines).toContain('    location / -> upstream backend_pool');
    expect(lines).toContain('        proxy_set_header X-Forwarded-For "$proxy_add_x_forwarded_for"');
    expect(lines.join('\n')).not.toContain('ignored directive "events"');
  });

  test('shows methods, keepalive, flags and health checks', async () => {
    const file = join(dir, 'methods.conf');
    await writeFile(
      file,
      [
        'events {}',
        'http {',
        '    upstream h { hash $uri consistent; server 127.0.0.1:1 down; keepalive 4; }',
        '    upstream r { server 127.0.0.1:2 backup; server 127.0.0.1:3 slow_start=5s; health_check uri=/hc; }',
        '    server { listen 127.0.0.1:8080 default_server; server_name a b; location = /x { return 204; } }',
        '}',
      ].join('\n'),
    );
    const run = await checkConfig(file);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'upstream h (hash $uri consistent, keepalive 4)\n    server 127.0.0.1:1 weight=1 max_fails=1 fail_timeout=10s max_conns=0 slow_start=0 down\n',
    );
    expect(run.stdout).toContain(
      '    server 127.0.0.1:2 weight=1 max_fails=1 fail_timeout=10s max_conns=0 slow_start=0 backup\n',
    );
    expect(run.stdout).toContain(
      'slow_start=5s\n    health_check uri=/hc interval=5s timeout=1s fails=1 passes=1 status=200-399\n',
    );
    expect(run.stdout).toContain('server listen 127.0.0.1:8080 default_server; server_name a b\n');
    expect(run.stdout).toContain('    location = /x -> return 204\n');
    expect(run.stdout).toContain(`${file}:4:64: "slow_start" is nginx Plus syntax`);
  });

  test('--json prints the parse result', async () => {
    const run = await checkConfig(SEED_PATH, '--json');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as { config: unknown; warnings: unknown[] };
    expect(printed.config).toStrictEqual(parseNginxConfig(seedText(), SEED_PATH).config);
    expect(printed.warnings).toHaveLength(0);
  });

  test('a bad config prints FILE:LINE:COL: reason on stderr, no stack trace, and exits 1', async () => {
    const file = join(dir, 'bad.conf');
    await writeFile(
      file,
      'events {}\nhttp {\n    upstream b {\n        server 127.0.0.1:9001 weight=0;\n    }\n}\n',
    );
    const run = await checkConfig(file);
    expect(run).toStrictEqual({
      code: 1,
      stdout: '',
      stderr: `${file}:4:31: invalid parameter "weight=0"\n`,
    });
  });

  test('a missing file is a clear error', async () => {
    const file = join(dir, 'missing.conf');
    expect(await checkConfig(file)).toStrictEqual({
      code: 1,
      stdout: '',
      stderr: `cannot read "${file}": no such file\n`,
    });
  });

  test('a directory is a clear error', async () => {
    expect(await checkConfig(dir)).toMatchObject({
      code: 1,
      stderr: `cannot read "${dir}": it is a directory\n`,
    });
  });
});
