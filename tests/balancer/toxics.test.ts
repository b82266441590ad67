import { afterEach, describe, expect, test } from 'vitest';
import { HttpBackend, ok, type Handler } from './support/backend';
import { defer, runCleanups, send, serverLines, startProxy, upstreamNames } from './support/proxy';

/** Toxiproxy-style faults on the balancer's side of a peer: nginx's logic sees real trouble. */

afterEach(runCleanups);

async function backend(name: string, handler: Handler = ok()): Promise<HttpBackend> {
  const b = await HttpBackend.start(name, handler);
  defer(() => b.close());
  return b;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe('toxics', () => {
  test('latency delays the peer by about its amount; removing it restores the speed', async () => {
    const a = await backend('A');
    const proxy = await startProxy({ upstream: serverLines([a]) });
    proxy.balancer.setPeerToxic('backend', a.addr, { kind: 'latency', ms: 300, jitterMs: 0 });
    const slow = await timed(() => send(proxy.url()));
    expect(slow.value.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    proxy.balancer.setPeerToxic('backend', a.addr, null);
    const fast = await timed(() => send(proxy.url()));
    expect(fast.ms).toBeLessThan(200);
  });

  test('reset is an error: a GET moves to the next peer and the peer counts a failure', async () => {
    const a = await backend('A');
    const b = await backend('B');
    const proxy = await startProxy({ upstream: serverLines([a, b], 'max_fails=1 fail_timeout=30s') });
    proxy.balancer.setPeerToxic('backend', a.addr, { kind: 'reset' });
    const reply = await send(proxy.url());
    expect(reply.status).toBe(200);
    expect(upstreamNames(reply, [a, b])).toBe('A,B');
    expect(reply.headers['x-up-status']).toBe('502, 200');
    expect(proxy.balancer.snapshot()[0]!.peers.find((p) => p.addr === a.addr)).toMatchObject({
      fails: 1,
      failed: true,
    });
  });

  test('reset after the request is sent: a POST is not retried (502)', async () => {
    const a = await backend('A');
    const b = await backend('B');
    const proxy = await startProxy({ upstream: serverLines([a, b], 'fail_timeout=30s') });
    proxy.balancer.setPeerToxic('backend', a.addr, { kind: 'reset' });
    const reply = await send(proxy.url(), { method: 'POST', body: 'x' });
    expect(reply.status).toBe(502);
    expect(upstreamNames(reply, [a, b])).toBe('A');
  });

  test('hang is a timeout after proxy_connect_timeout, then the next peer', async () => {
    const a = await backend('A');
    const b = await backend('B');
    const proxy = await startProxy({
      upstream: serverLines([a, b]),
      location: 'proxy_connect_timeout 300ms;',
    });
    proxy.balancer.setPeerToxic('backend', a.addr, { kind: 'hang' });
    const { value, ms } = await timed(() => send(proxy.url()));
    expect(value.status).toBe(200);
    expect(value.headers['x-up-status']).toBe('504, 200');
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(a.requests).toHaveLength(0);
  });

  test('bandwidth paces the response body', async () => {
    const body = 'x'.repeat(200 * 1024);
    const a = await backend('A', ok(body));
    const proxy = await startProxy({ upstream: serverLines([a]) });
    proxy.balancer.setPeerToxic('backend', a.addr, { kind: 'bandwidth', kbps: 400 });
    const { value, ms } = await timed(() => send(proxy.url()));
    expect(value.body).toHaveLength(body.length);
    // 200 KiB at 400 KB/s: about half a second.
    expect(ms).toBeGreaterThan(350);
  });
});
