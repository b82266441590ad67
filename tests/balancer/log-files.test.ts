import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { HttpBackend } from './support/backend';
import {
  defer,
  freePort,
  runCleanups,
  send,
  serverLines,
  sleep,
  startProxy,
  waitUntil,
} from './support/proxy';

afterEach(runCleanups);

function logDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'upstream-lab-log-files-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
const lineCount = (path: string): number =>
  read(path)
    .split('\n')
    .filter((l) => l !== '').length;

describe('access_log files', () => {
  test('without buffer= every line is written when its request ends', async () => {
    const a = await HttpBackend.start('A');
    defer(() => a.close());
    const log = join(logDir(), 'access.log');
    const proxy = await startProxy({ upstream: serverLines([a.addr]), server: `access_log ${log};` });
    await send(proxy.url('/one'));
    await waitUntil(() => lineCount(log) === 1, 2000, 'the line');
  });

  test('buffer= holds lines until it is full, flush= writes them after that long, close writes the rest', async () => {
    const a = await HttpBackend.start('A');
    defer(() => a.close());
    const dir = logDir();
    const held = join(dir, 'held.log');
    const timed = join(dir, 'timed.log');
    const proxy = await startProxy({
      upstream: serverLines([a.addr]),
      server: `access_log ${held} combined buffer=64k; access_log ${timed} combined buffer=64k flush=300ms;`,
    });
    for (let i = 0; i < 3; i++) await send(proxy.url(`/r${i}`));
    await sleep(100);
    expect(lineCount(held)).toBe(0);
    expect(lineCount(timed)).toBe(0);
    await waitUntil(() => lineCount(timed) === 3, 2000, 'the flush timer');
    expect(lineCount(held)).toBe(0);
    await proxy.balancer.close(100);
    expect(lineCount(held)).toBe(3);
  });

  test('a buffer that fills is written at once', async () => {
    const a = await HttpBackend.start('A');
    defer(() => a.close());
    const log = join(logDir(), 'small.log');
    const proxy = await startProxy({
      upstream: serverLines([a.addr]),
      server: `access_log ${log} combined buffer=150;`,
    });
    await send(proxy.url('/first'));
    await sleep(50);
    expect(lineCount(log)).toBe(0);
    await send(proxy.url('/second'));
    await waitUntil(() => lineCount(log) === 2, 2000, 'the full buffer');
  });

  test('a log path that cannot be opened does not stop the proxy', async () => {
    const a = await HttpBackend.start('A');
    defer(() => a.close());
    const proxy = await startProxy({
      upstream: serverLines([a.addr]),
      server: 'access_log /nonexistent-dir/x/access.log; error_log /nonexistent-dir/x/error.log;',
    });
    expect((await send(proxy.url('/'))).status).toBe(200);
  });
});

describe('error_log lines as balancer events (the dashboard shows them)', () => {
  test('each failed attempt is one error-log event, whether or not the conf has error_log', async () => {
    const refused = `127.0.0.1:${await freePort()}`;
    const proxy = await startProxy({ upstream: serverLines([refused]) });
    const lines: string[] = [];
    proxy.balancer.events.on('error-log', ({ line }) => lines.push(line));
    expect((await send(proxy.url('/x'))).status).toBe(502);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: localhost, request: "GET /x HTTP/1.1", upstream: "http://${refused}/x"`,
    );
  });

  test('error_log crit keeps error lines out of the file and the lab log', async () => {
    const refused = `127.0.0.1:${await freePort()}`;
    const log = join(logDir(), 'error.log');
    const proxy = await startProxy({ upstream: serverLines([refused]), server: `error_log ${log} crit;` });
    const lines: string[] = [];
    proxy.balancer.events.on('error-log', ({ line }) => lines.push(line));
    await send(proxy.url('/x'));
    await proxy.balancer.close(100);
    expect(lines).toEqual([]);
    expect(read(log)).toBe('');
  });
});
