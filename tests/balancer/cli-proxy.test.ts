import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { HttpBackend } from './support/backend';
import { defer, freePort, nginxConf, runCleanups, send, serverLines, waitUntil } from './support/proxy';

/** `upstream-lab proxy --config FILE` as a real child process. */

afterEach(runCleanups);

const BIN = fileURLToPath(new URL('../../bin/upstream-lab.mjs', import.meta.url));

interface Child {
  process: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function writeConf(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'upstream-lab-cli-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, text);
  return file;
}

function startCli(file: string, extra: string[] = []): Child {
  const child = spawn(process.execPath, [BIN, 'proxy', '--config', file, ...extra], { stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { process: child, stdout: () => out, stderr: () => err, exited };
}

const readText = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

async function backend(name: string): Promise<HttpBackend> {
  const b = await HttpBackend.start(name);
  defer(() => b.close());
  return b;
}

/** `$remote_addr - - [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"` + upstream fields. */
function logLine(
  request: string,
  status: number,
  bytes: number,
  addrs: string,
  statuses: string,
  times: string,
): RegExp {
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(
    `^127\\.0\\.0\\.1 - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\] ` +
      `"${escape(request)}" ${status} ${bytes} "-" "cli-test" ${escape(addrs)} ${escape(statuses)} ` +
      `\\d+\\.\\d{3} ${times}$`,
    'm',
  );
}

describe('upstream-lab proxy', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)(
    'prints where it listens, logs each request, exits 0 on %s',
    async (signal) => {
      const a = await backend('A');
      const refused = `127.0.0.1:${await freePort()}`;
      const port = await freePort();
      const file = writeConf(
        nginxConf(port, { upstream: serverLines([refused, a.addr], 'fail_timeout=30s') }),
      );
      const cli = startCli(file);
      await waitUntil(() => cli.stdout().includes('listening on'), 15_000, 'the CLI to listen');
      expect(cli.stdout()).toBe(`listening on http://127.0.0.1:${port}\n`);

      const headers = { 'User-Agent': 'cli-test' };
      const first = await send(`http://127.0.0.1:${port}/first?x=1`, { headers });
      expect(first.status).toBe(200);
      const second = await send(`http://127.0.0.1:${port}/second`, { headers, method: 'POST', body: 'hi' });
      expect(second.status).toBe(200);
      await waitUntil(() => cli.stdout().split('\n').length >= 4, 3000, 'two access log lines');

      const lines = cli.stdout().trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      const time = '\\d+\\.\\d{3}';
      expect(lines[1]).toMatch(
        logLine('GET /first?x=1 HTTP/1.1', 200, 1, `${refused}, ${a.addr}`, '502, 200', `${time}, ${time}`),
      );
      expect(lines[2]).toMatch(logLine('POST /second HTTP/1.1', 200, 1, a.addr, '200', time));

      cli.process.kill(signal);
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      // The config's warnings (the ignored `events {}` block) and the refused peer in nginx's words.
      const errors = cli
        .stderr()
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('warning: '));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[error\] \d+#0: \*\d+ connect\(\) failed \(111: Connection refused\) while connecting to upstream, client: 127\.0\.0\.1, server: localhost, request: "GET \/first\?x=1 HTTP\/1\.1", upstream: "http:\/\/127\.0\.0\.1:\d+\/first\?x=1", host: "127\.0\.0\.1:\d+"$/,
      );
    },
  );

  test('access_log off in the conf leaves the printed log out; --quiet silences it; SIGUSR1 reopens files', async () => {
    const a = await backend('A');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'upstream-lab-cli-logs-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const log = join(dir, 'access.log');
    const file = writeConf(
      nginxConf(port, {
        upstream: serverLines([a.addr]),
        server: `    access_log ${log};\n    location /off { access_log off; proxy_pass http://backend; }`,
      }),
    );
    const cli = startCli(file);
    await waitUntil(() => cli.stdout().includes('listening on'), 15_000, 'the CLI to listen');
    const headers = { 'User-Agent': 'cli-test' };
    await send(`http://127.0.0.1:${port}/off`, { headers });
    await send(`http://127.0.0.1:${port}/on`, { headers });
    await waitUntil(() => cli.stdout().includes('/on'), 3000, 'the access log line');
    expect(cli.stdout()).not.toContain('/off');
    await waitUntil(() => readText(log).includes('/on'), 3000, 'the line in the file');
    expect(readText(log)).not.toContain('/off');

    // logrotate: move the file away, signal, and the next line goes to a new file at the path.
    renameSync(log, `${log}.1`);
    cli.process.kill('SIGUSR1');
    await waitUntil(() => existsSync(log), 3000, 'the reopened file');
    await send(`http://127.0.0.1:${port}/after`, { headers });
    await waitUntil(() => readText(log).includes('/after'), 3000, 'the line in the new file');
    expect(readText(`${log}.1`)).not.toContain('/after');
    cli.process.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });

    const quiet = startCli(file, ['--quiet']);
    await waitUntil(() => quiet.stdout().includes('listening on'), 15_000, 'the quiet CLI to listen');
    await send(`http://127.0.0.1:${port}/quiet`, { headers });
    await waitUntil(() => readText(log).includes('/quiet'), 3000, 'the quiet line in the file');
    expect(quiet.stdout()).not.toContain('/quiet');
    quiet.process.kill('SIGTERM');
    await quiet.exited;
  });

  test('a port already taken: exit 1 with a clear message, no stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
    defer(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const file = writeConf(nginxConf(port, { upstream: serverLines(['127.0.0.1:9']) }));

    const cli = startCli(file);
    expect(await cli.exited).toEqual({ code: 1, signal: null });
    expect(cli.stderr()).toContain(`127.0.0.1:${port} is already in use`);
    expect(cli.stderr()).toContain(file);
    expect(cli.stderr()).not.toMatch(/^\s+at /m);
    expect(cli.stdout()).not.toContain('listening on');
  });
});
