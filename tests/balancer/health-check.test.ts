import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { ProxyConfig } from '../../core/balancer/config';
import { HttpBackend, ok, reset, type Handler } from './support/backend';
import {
  defer,
  freePort,
  runCleanups,
  send,
  serverLines,
  startProxy,
  upstreamNames,
  waitUntil,
  type RunningProxy,
} from './support/proxy';

/** Active health checks (beyond nginx OSS): out on failure, back at once on a pass, slow start. */

afterEach(runCleanups);

const INTERVAL_MS = 100;

async function backend(name: string, handler: Handler = ok()): Promise<HttpBackend> {
  const b = await HttpBackend.start(name, handler);
  defer(() => b.close());
  return b;
}

function withHealthCheck(edit?: (config: ProxyConfig) => void): (config: ProxyConfig) => void {
  return (config) => {
    config.upstreams[0]!.healthCheck = {
      path: '/health',
      intervalMs: INTERVAL_MS,
      timeoutMs: 200,
      rise: 1,
      fall: 1,
    };
    edit?.(config);
  };
}

function peer(proxy: RunningProxy, addr: string) {
  return proxy.balancer.snapshot()[0]!.peers.find((p) => p.addr === addr)!;
}

/** Sends sequential requests until one is served by `target`; returns how long that took. */
async function msUntilServedBy(
  proxy: RunningProxy,
  target: HttpBackend,
  others: HttpBackend[],
): Promise<number> {
  const start = Date.now();
  for (;;) {
    const reply = await send(proxy.url());
    expect(reply.status).toBe(200);
    if (upstreamNames(reply, [target, ...others]) === target.name) return Date.now() - start;
    if (Date.now() - start > 5000) throw new Error(`${target.name} never served`);
  }
}

describe('active health checks', () => {
  test('a peer whose check fails is taken out; passing again, it serves within a second', async () => {
    const a = await backend('A');
    const b = await backend('B');
    b.healthStatus = 500;
    const proxy = await startProxy({ upstream: serverLines([a, b]) }, withHealthCheck());
    const health: string[] = [];
    proxy.balancer.events.on('health', (e) => health.push(`${e.peer === b.addr ? 'B' : 'A'} ${e.healthy}`));

    await waitUntil(() => !peer(proxy, b.addr).healthy, 2000, 'B to be marked unhealthy');
    for (let i = 0; i < 10; i++) expect(upstreamNames(await send(proxy.url()), [a, b])).toBe('A');
    const served = b.requests.length;

    b.healthStatus = 200;
    const ms = await msUntilServedBy(proxy, b, [a]);
    expect(ms).toBeLessThan(1000 + INTERVAL_MS);
    expect(b.requests.length).toBe(served + 1);
    expect(health.at(-1)).toBe('B true');
    expect(health).not.toContain('A false');
    expect(peer(proxy, b.addr).healthy).toBe(true);
    expect(b.healthChecks).toBeGreaterThanOrEqual(2);
  });

  test('rejoining clears passive failures: back at once despite fail_timeout=30s', async () => {
    const a = await backend('A');
    const b = await backend('B', reset());
    const proxy = await startProxy({ upstream: serverLines([a, b], 'fail_timeout=30s') }, withHealthCheck());
    expect(upstreamNames(await send(proxy.url()), [a, b])).toBe('A');
    expect(upstreamNames(await send(proxy.url()), [a, b])).toBe('B,A');
    expect(peer(proxy, b.addr)).toMatchObject({ fails: 1, failed: true, healthy: true });

    // Its checks still pass, so the passive verdict stands: B stays out.
    for (let i = 0; i < 6; i++) expect(upstreamNames(await send(proxy.url()), [a, b])).toBe('A');

    b.healthStatus = 500;
    await waitUntil(() => !peer(proxy, b.addr).healthy, 2000, 'B to be marked unhealthy');
    b.handler = ok();
    b.healthStatus = 200;
    const ms = await msUntilServedBy(proxy, b, [a]);
    expect(ms).toBeLessThan(1000 + INTERVAL_MS);
    expect(peer(proxy, b.addr)).toMatchObject({ fails: 0, failed: false, healthy: true });
  });

  test('slow start: after rejoining, the share ramps up', async () => {
    const a = await backend('A');
    const b = await backend('B');
    b.healthStatus = 500;
    const proxy = await startProxy(
      { upstream: serverLines([a, b]) },
      withHealthCheck((config) => {
        config.upstreams[0]!.servers[1]!.slowStartSec = 2;
      }),
    );
    await waitUntil(() => !peer(proxy, b.addr).healthy, 2000, 'B to be marked unhealthy');

    let rejoinedAt = 0;
    proxy.balancer.events.on('health', (e) => {
      if (e.healthy && e.peer === b.addr) rejoinedAt = Date.now();
    });
    b.healthStatus = 200;
    await waitUntil(() => rejoinedAt !== 0, 2000, 'B to rejoin');
    expect(peer(proxy, b.addr).slowStart).toBe(true);

    const served: Array<{ at: number; byB: boolean }> = [];
    while (Date.now() - rejoinedAt < 2100) {
      const reply = await send(proxy.url());
      served.push({ at: Date.now() - rejoinedAt, byB: upstreamNames(reply, [a, b]) === 'B' });
    }
    const share = (from: number, to: number): number => {
      const window = served.filter((s) => s.at >= from && s.at < to);
      return window.filter((s) => s.byB).length / window.length;
    };
    const early = share(0, 500);
    const late = share(1500, 2000);
    // Ramp: B's weight goes from 5% to 100% of A's over 2 s (about 12% vs 46% of the traffic).
    expect(early).toBeGreaterThan(0);
    expect(early).toBeLessThan(0.3);
    expect(late).toBeGreaterThan(early + 0.15);
    expect(late).toBeGreaterThan(0.3);
  });
});

describe('the last check of each peer', () => {
  test('kept with its duration in HAProxy terms: L7OK, L7STS, L4CON refused; undefined without a check', async () => {
    const a = await backend('A');
    const b = await backend('B');
    b.healthStatus = 500;
    const refused = `127.0.0.1:${await freePort()}`;
    const proxy = await startProxy({ upstream: serverLines([a.addr, b.addr, refused]) }, withHealthCheck());
    const upstream = proxy.balancer.snapshot()[0]!.name;
    const last = (addr: string) => proxy.balancer.lastCheck(upstream, peer(proxy, addr).name);
    await waitUntil(() => [a.addr, b.addr, refused].every((x) => last(x) != null), 2000, 'a check of each');
    expect(last(a.addr)).toMatchObject({ kind: 'L7OK', status: 200 });
    expect(last(b.addr)).toMatchObject({ kind: 'L7STS', status: 500 });
    expect(last(refused)).toMatchObject({ kind: 'L4CON', reason: 'refused' });
    expect(last(a.addr)!.ms).toBeGreaterThanOrEqual(0);
    expect(last(a.addr)!.ms).toBeLessThan(200);

    const unchecked = await startProxy({ upstream: serverLines([a]) });
    expect(
      unchecked.balancer.lastCheck(unchecked.balancer.snapshot()[0]!.name, peer(unchecked, a.addr).name),
    ).toBeUndefined();
  });

  test('a peer that accepts and never answers: a timeout once connected (L7TOUT)', async () => {
    const a = await backend('A');
    const hung = createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    defer(() => new Promise<void>((r) => hung.close(() => r())));
    const addr = `127.0.0.1:${(hung.address() as AddressInfo).port}`;
    const proxy = await startProxy({ upstream: serverLines([a.addr, addr]) }, withHealthCheck());
    const upstream = proxy.balancer.snapshot()[0]!.name;
    await waitUntil(
      () => proxy.balancer.lastCheck(upstream, peer(proxy, addr).name) != null,
      2000,
      'its check',
    );
    expect(proxy.balancer.lastCheck(upstream, peer(proxy, addr).name)).toMatchObject({ kind: 'L7TOUT' });
    expect(proxy.balancer.lastCheck(upstream, peer(proxy, addr).name)!.ms).toBeGreaterThanOrEqual(190);
  });
});
