import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allowedHosts } from '../../core/server/allowed-hosts';
import { exchange, startDashboard, statusOf, type Dashboard } from './dashboard-helpers';

/** Requests that each killed `up --dashboard` (issue 10): now answered, the server still up. */
describe('the dashboard answers any request target', () => {
  let d: Dashboard;
  let host: string;
  const get = (target: string, headers = ''): string =>
    `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${headers}Connection: close\r\n\r\n`;
  const upgrade = (target: string, hostHeader = host): string =>
    `GET ${target} HTTP/1.1\r\nHost: ${hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

  beforeAll(async () => {
    let thrown = 0;
    d = await startDashboard({
      routes: {
        '/boom': () => {
          thrown++;
          throw new Error(`route failed (${thrown})`);
        },
        '/boom-late': async (_req, res) => {
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.write('partial');
          await Promise.reject(new Error('failed mid-answer'));
        },
      },
    });
    host = `127.0.0.1:${d.port}`;
  });
  afterAll(() => d.close());

  const alive = async (): Promise<void> => expect(statusOf(await exchange(d.port, get('/')))).toBe(200);

  test.each([
    ['/%ff', 400],
    ['/%E0%A4%A', 400],
    ['/assets/%c0%af', 400],
    ['//', 404],
    ['//evil.example/x', 404],
    ['/..', 200],
    ['*', 400],
    ['http://evil.example/', 400],
  ])('GET %s: %i, and the server still answers', async (target, status) => {
    expect(statusOf(await exchange(d.port, get(target)))).toBe(status);
    await alive();
  });

  test('an Upgrade to // is refused (404) after the Host check, not a crash', async () => {
    expect(statusOf(await exchange(d.port, upgrade('//')))).toBe(404);
    expect(statusOf(await exchange(d.port, upgrade('//', `evil.example:${d.port}`)))).toBe(421);
    expect(statusOf(await exchange(d.port, upgrade('/%ff')))).toBe(400);
    expect(statusOf(await exchange(d.port, upgrade('*')))).toBe(400);
    await alive();
  });

  test('Upgrade sockets reset while they are refused do not kill the server', async () => {
    for (let i = 0; i < 30; i++) {
      const socket = net.connect({ host: '127.0.0.1', port: d.port });
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(upgrade(`/api?token=wrong${i}`));
      socket.resetAndDestroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    await alive();
  });

  test('a route that throws: 500, logged once; one that fails mid-answer: the connection is cut', async () => {
    const before = d.logged.length;
    const result = await exchange(d.port, get(`/boom?token=${d.token}`));
    expect(statusOf(result)).toBe(500);
    expect(d.logged.slice(before)).toEqual([
      expect.stringMatching(/^dashboard: GET "\/boom\?token=.*" failed: route failed \(1\)$/),
    ]);
    const late = await exchange(d.port, get(`/boom-late?token=${d.token}`));
    expect(statusOf(late)).toBe(200);
    expect(late.closed).toBe(true);
    await alive();
  });

  test('Host: 0.0.0.0 or :: is never this server, whatever it listens on', async () => {
    expect(statusOf(await exchange(d.port, get('/').replace(host, `0.0.0.0:${d.port}`)))).toBe(421);
    for (const listen of ['0.0.0.0', '::', '127.0.0.1']) {
      const hosts = allowedHosts(listen, 4000);
      expect(hosts.has('0.0.0.0:4000')).toBe(false);
      expect(hosts.has('[::]:4000')).toBe(false);
      expect(hosts.has('localhost:4000')).toBe(true);
    }
    expect(allowedHosts('0.0.0.0', 4000).has('127.0.0.1:4000')).toBe(true);
  });
});
