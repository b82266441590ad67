import { afterEach, describe, expect, test } from 'vitest';
import { SERVER_DEFAULTS } from '../../core/balancer/config';
import { gate, HttpBackend, ok, slow, type Handler } from './support/backend';
import { defer, runCleanups, send, serverLines, startProxy, upstreamNames, waitUntil } from './support/proxy';

/** Live control of peers while traffic flows: drain, weight, add and remove. */

afterEach(runCleanups);

async function backend(name: string, handler: Handler = ok()): Promise<HttpBackend> {
  const b = await HttpBackend.start(name, handler);
  defer(() => b.close());
  return b;
}

function count(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

describe('drain', () => {
  test('no new requests go to a drained peer, its in-flight ones finish; up brings it back', async () => {
    const held = gate();
    const a = await backend('A');
    const b = await backend('B', held.handler);
    const proxy = await startProxy({ upstream: serverLines([a, b]) });
    const reasons: string[] = [];
    proxy.balancer.events.on('peers', (e) => reasons.push(e.reason));

    // A B A B: B's two stay in flight.
    const first = Array.from({ length: 4 }, (_, i) => send(proxy.url(`/r${i}`)));
    await waitUntil(() => held.waiting === 2 && a.served === 2, 5000, 'two requests held on B');

    proxy.balancer.setPeerAdmin('backend', b.addr, 'drain');
    expect(reasons).toEqual(['drain']);
    const peerB = () => proxy.balancer.snapshot()[0]!.peers.find((p) => p.addr === b.addr)!;
    expect(peerB()).toMatchObject({ admin: 'drain', conns: 2 });

    for (let i = 0; i < 10; i++) expect(upstreamNames(await send(proxy.url()), [a, b])).toBe('A');
    expect(b.requests).toHaveLength(2);

    held.release();
    const replies = await Promise.all(first);
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(count(replies.map((r) => r.body))).toEqual({ A: 2, B: 2 });
    expect(peerB().conns).toBe(0);

    proxy.balancer.setPeerAdmin('backend', b.addr, 'up');
    const after: string[] = [];
    for (let i = 0; i < 4; i++) after.push(upstreamNames(await send(proxy.url()), [a, b]));
    expect(count(after)).toEqual({ A: 2, B: 2 });
  });

  test('maintenance also takes the peer out; the last peer out means no live upstreams', async () => {
    const a = await backend('A');
    const b = await backend('B');
    const proxy = await startProxy({ upstream: serverLines([a, b]) });
    proxy.balancer.setPeerAdmin('backend', a.addr, 'maintenance');
    proxy.balancer.setPeerAdmin('backend', b.addr, 'drain');
    const reply = await send(proxy.url());
    expect(reply.status).toBe(502);
    expect(reply.headers['x-up-addr']).toBe('backend');
    expect(a.requests.length + b.requests.length).toBe(0);
  });
});

describe('weight', () => {
  test('setPeerWeight changes the share at once', async () => {
    const a = await backend('A');
    const b = await backend('B');
    const proxy = await startProxy({ upstream: serverLines([a, b]) });
    const before: string[] = [];
    for (let i = 0; i < 8; i++) before.push(upstreamNames(await send(proxy.url()), [a, b]));
    expect(count(before)).toEqual({ A: 4, B: 4 });

    proxy.balancer.setPeerWeight('backend', a.addr, 3);
    const after: string[] = [];
    for (let i = 0; i < 40; i++) after.push(upstreamNames(await send(proxy.url()), [a, b]));
    expect(count(after).A).toBeGreaterThanOrEqual(29);
    expect(count(after).A).toBeLessThanOrEqual(31);
    expect(proxy.balancer.snapshot()[0]!.peers.find((p) => p.addr === a.addr)!.weight).toBe(3);
    expect(() => proxy.balancer.setPeerWeight('backend', a.addr, 0)).toThrow(/invalid weight/);
  });
});

describe('add and remove', () => {
  test('while 20 slow requests are in flight: none fails; new traffic follows the new set', async () => {
    const a = await backend('A', slow(300));
    const b = await backend('B', slow(300));
    const c = await backend('C');
    const proxy = await startProxy({ upstream: serverLines([a, b]) });

    const inFlight = Array.from({ length: 20 }, (_, i) => send(proxy.url(`/slow${i}`)));
    await waitUntil(() => a.requests.length + b.requests.length === 20, 5000, '20 requests at the backends');

    const added = proxy.balancer.addPeer(
      'backend',
      { ...SERVER_DEFAULTS, address: c.addr },
      { host: '127.0.0.1', port: c.port },
      'C',
    );
    expect(added).toMatchObject({ name: 'C', addr: c.addr, conns: 0 });
    proxy.balancer.removePeer('backend', a.addr);
    b.handler = ok();
    const during: string[] = [];
    for (let i = 0; i < 4; i++) during.push(upstreamNames(await send(proxy.url()), [a, b, c]));

    const replies = await Promise.all(inFlight);
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(count(replies.map((r) => r.body))).toEqual({ A: 10, B: 10 });
    expect(during).not.toContain('A');
    expect(during).toContain('C');

    const peers = proxy.balancer.snapshot()[0]!.peers;
    expect(peers.map((p) => p.name)).toEqual([b.addr, 'C']);
    expect(peers.every((p) => p.conns === 0)).toBe(true);
    const later: string[] = [];
    for (let i = 0; i < 10; i++) later.push(upstreamNames(await send(proxy.url()), [a, b, c]));
    expect(later).not.toContain('A');
    expect(new Set(later)).toEqual(new Set(['B', 'C']));
    expect(a.requests).toHaveLength(10);
  });

  test('peers are found by id, name or address; unknown keys throw', async () => {
    const a = await backend('A');
    const b = await backend('B');
    const proxy = await startProxy({ upstream: serverLines([a, b]) });
    const [peerA] = proxy.balancer.snapshot()[0]!.peers;
    proxy.balancer.setPeerAdmin('backend', peerA!.id, 'drain');
    expect(proxy.balancer.snapshot()[0]!.peers[0]!.admin).toBe('drain');
    proxy.balancer.setPeerAdmin('backend', a.addr, 'up');
    expect(proxy.balancer.snapshot()[0]!.peers[0]!.admin).toBe('up');
    expect(() => proxy.balancer.setPeerAdmin('backend', 'nope', 'drain')).toThrow(
      'no peer "nope" in upstream "backend"',
    );
    expect(() => proxy.balancer.setPeerAdmin('other', a.addr, 'drain')).toThrow('no upstream "other"');
  });
});
