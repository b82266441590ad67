import { afterEach, describe, expect, test } from 'vitest';
import { parseNginxConfig } from '../../core/nginx';
import { HttpBackend, ok } from './support/backend';
import {
  defer,
  freePort,
  nginxConf,
  runCleanups,
  send,
  serverLines,
  sleep,
  startProxy,
  upstreamNames,
  type ConfParts,
} from './support/proxy';

/** Balancer.reload: nginx -s reload without refusing a connection or failing a request. */

afterEach(runCleanups);

async function backends(count: number): Promise<HttpBackend[]> {
  const started = await Promise.all(
    Array.from({ length: count }, (_, i) => HttpBackend.start(String.fromCharCode(65 + i), ok())),
  );
  for (const b of started) defer(() => b.close());
  return started;
}

const conf = (port: number, parts: ConfParts) => parseNginxConfig(nginxConf(port, parts), 'test.conf').config;

/** Requests back to back from `workers` clients until stopped; every status is kept. */
function steadyLoad(url: string, workers = 4): { stop: () => Promise<number[]> } {
  let running = true;
  const statuses: number[] = [];
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const reply = await send(url).catch(() => ({ status: 0 }));
      statuses.push(reply.status);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return statuses;
    },
  };
}

describe('reload', () => {
  test('weights and method change under load: no request fails, new ones follow the new config', async () => {
    const [a, b, c] = await backends(3);
    const proxy = await startProxy({ upstream: serverLines([a!, b!, c!]) });
    const load = steadyLoad(proxy.url('/'));
    await sleep(300);
    await proxy.balancer.reload(conf(proxy.port, { upstream: serverLines([a!, b!]) + '\n    least_conn;' }));
    await sleep(200);
    await proxy.balancer.reload(
      conf(proxy.port, { upstream: `server ${a!.addr} weight=3;\nserver ${b!.addr};` }),
    );
    const before = c!.requests.length;
    await sleep(300);
    const statuses = await load.stop();
    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(c!.requests.length).toBe(before);
    const names: string[] = [];
    for (let i = 0; i < 8; i++) names.push(upstreamNames(await send(proxy.url('/')), [a!, b!]));
    expect(names.filter((n) => n === 'A')).toHaveLength(6);
  });

  test('a request in flight finishes on the old config; the next takes the new one', async () => {
    const [a] = await backends(1);
    a!.handler = (exchange) => setTimeout(() => ok()(exchange), exchange.received.url === '/slow' ? 400 : 0);
    const proxy = await startProxy({ upstream: serverLines([a!]), location: 'proxy_set_header X-Conf old;' });
    const slow = send(proxy.url('/slow'));
    await sleep(100);
    await proxy.balancer.reload(
      conf(proxy.port, { upstream: serverLines([a!]), location: 'proxy_set_header X-Conf new;' }),
    );
    const fast = await send(proxy.url('/fast'));
    expect((await slow).status).toBe(200);
    expect(fast.status).toBe(200);
    const seen = Object.fromEntries(
      a!.requests.map((r) => [r.url, r.rawHeaders[r.rawHeaders.findIndex((h) => h === 'X-Conf') + 1]]),
    );
    expect(seen).toEqual({ '/slow': 'old', '/fast': 'new' });
  });

  test('a new listen address is bound and the old one closes; a kept one never refuses', async () => {
    const [a] = await backends(1);
    const proxy = await startProxy({ upstream: serverLines([a!]) });
    const other = await freePort();
    const next = conf(other, { upstream: serverLines([a!]) });
    const addresses = await proxy.balancer.reload(next);
    expect(addresses).toEqual([{ host: '127.0.0.1', port: other }]);
    expect((await send(`http://127.0.0.1:${other}/`)).status).toBe(200);
    await expect(send(proxy.url('/'))).rejects.toThrow(/ECONNREFUSED/);
  });

  test('a config that cannot be applied changes nothing', async () => {
    const [a, b] = await backends(2);
    const proxy = await startProxy({ upstream: serverLines([a!]) });
    const taken = proxy.port;
    const blocker = await startProxy({ upstream: serverLines([b!]) });
    const bad = conf(blocker.port, { upstream: serverLines([b!]) });
    bad.servers.push(...conf(taken, { upstream: serverLines([b!]) }).servers);
    await expect(proxy.balancer.reload(bad)).rejects.toThrow(/already in use/);
    expect(upstreamNames(await send(proxy.url('/')), [a!, b!])).toBe('A');
  });

  test('admin state and toxics are kept for the same peer; passive failures start afresh', async () => {
    const [a, b] = await backends(2);
    const proxy = await startProxy({ upstream: serverLines([a!, b!]) });
    proxy.balancer.setPeerAdmin('backend', b!.addr, 'maintenance');
    const peers: unknown[] = [];
    proxy.balancer.events.on('peers', (event) => peers.push(event.reason));
    await proxy.balancer.reload(conf(proxy.port, { upstream: serverLines([a!, b!], 'max_fails=2') }));
    expect(peers).toEqual(['reload']);
    const [upstream] = proxy.balancer.snapshot();
    expect(upstream!.peers.map((p) => [p.name, p.admin, p.maxFails])).toEqual([
      [a!.addr, 'up', 2],
      [b!.addr, 'maintenance', 2],
    ]);
    for (let i = 0; i < 4; i++) expect(upstreamNames(await send(proxy.url('/')), [a!, b!])).toBe('A');
  });
});
