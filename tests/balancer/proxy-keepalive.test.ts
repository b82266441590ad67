import { afterEach, describe, expect, test } from 'vitest';
import { headerValues, HttpBackend, ok, type Handler } from './support/backend';
import { defer, runCleanups, send, serverLines, sleep, startProxy, upstreamNames } from './support/proxy';

/** The upstream keep-alive cache (`keepalive N`, spec §6 "Keepalive caveat", §8). */

afterEach(runCleanups);

const KEEPALIVE_LOCATION = 'proxy_http_version 1.1; proxy_set_header Connection "";';

async function backend(name: string, handler: Handler = ok()): Promise<HttpBackend> {
  const b = await HttpBackend.start(name, handler);
  defer(() => b.close());
  return b;
}

describe('with keepalive', () => {
  test('100 sequential requests reuse a few connections; no Connection header is sent', async () => {
    const a = await backend('A');
    const proxy = await startProxy({
      upstream: `${serverLines([a])}\n    keepalive 8;`,
      location: KEEPALIVE_LOCATION,
    });
    for (let i = 0; i < 100; i++) {
      const reply = await send(proxy.url(`/k${i}`));
      expect(reply.status).toBe(200);
    }
    expect(a.requests).toHaveLength(100);
    expect(a.connections).toBeLessThanOrEqual(2);
    expect(Math.max(...a.requests.map((r) => r.onConnection))).toBeGreaterThanOrEqual(50);
    for (const r of a.requests) {
      expect(r.httpVersion).toBe('1.1');
      expect(headerValues(r.rawHeaders, 'connection')).toEqual([]);
    }
  });

  test('request bodies go out on a reused connection too (length and chunked)', async () => {
    const a = await backend('A');
    const proxy = await startProxy({
      upstream: `${serverLines([a])}\n    keepalive 8;`,
      location: KEEPALIVE_LOCATION,
    });
    for (let i = 0; i < 6; i++) {
      const body = `body number ${i}`;
      const headers = i % 2 === 0 ? {} : { 'transfer-encoding': 'chunked' };
      const reply = await send(proxy.url(`/p${i}`), { method: 'POST', body, headers });
      expect(reply.status).toBe(200);
    }
    expect(a.connections).toBe(1);
    expect(a.requests.map((r) => r.body.toString())).toEqual(
      Array.from({ length: 6 }, (_, i) => `body number ${i}`),
    );
  });

  test('concurrent requests open more connections, then those are reused (at most 8 kept)', async () => {
    const a = await backend('A');
    a.handler = (exchange) => setTimeout(() => ok()(exchange), 100);
    const proxy = await startProxy({
      upstream: `${serverLines([a])}\n    keepalive 8;`,
      location: KEEPALIVE_LOCATION,
    });
    for (let round = 0; round < 3; round++) {
      const replies = await Promise.all(
        Array.from({ length: 12 }, (_, i) => send(proxy.url(`/c${round}-${i}`))),
      );
      expect(replies.every((r) => r.status === 200)).toBe(true);
    }
    // Round one opens 12; later rounds can reuse only the 8 kept, so each opens 4 more at most.
    expect(a.connections).toBeGreaterThanOrEqual(12);
    expect(a.connections).toBeLessThanOrEqual(12 + 4 + 4);
    expect(a.requests.filter((r) => r.onConnection > 1).length).toBeGreaterThanOrEqual(16);
  });

  test('a pooled connection the backend closed while idle is not used again', async () => {
    const a = await backend('A', (exchange) => {
      ok()(exchange);
      // Keep-alive response, then the backend closes the idle connection shortly after.
      exchange.res.on('finish', () => setTimeout(() => exchange.req.socket.end(), 10));
    });
    const proxy = await startProxy({
      upstream: `${serverLines([a], 'fail_timeout=30s')}\n    keepalive 8;`,
      location: KEEPALIVE_LOCATION,
    });
    for (let i = 0; i < 5; i++) {
      const reply = await send(proxy.url());
      expect(reply.status).toBe(200);
      expect(reply.headers['x-up-addr']).toBe(a.addr);
      await sleep(60);
    }
    expect(a.connections).toBe(5);
  });

  test('a pooled connection dying on reuse: GET retried, the try given back (single peer)', async () => {
    // The backend closes a kept-alive connection the moment the next request arrives on it
    // (the classic keep-alive race); a fresh connection works.
    const a = await backend('A', (exchange) => {
      if (exchange.received.onConnection > 1) exchange.req.socket.destroy();
      else ok()(exchange);
    });
    const proxy = await startProxy({
      upstream: `${serverLines([a])}\n    keepalive 8;`,
      location: KEEPALIVE_LOCATION,
    });
    expect((await send(proxy.url())).status).toBe(200);
    // A single peer sets tries to 0 on failure; the reused connection gives one back.
    const reply = await send(proxy.url());
    expect(reply.status).toBe(200);
    expect(upstreamNames(reply, [a])).toBe('A,A');
    expect(reply.headers['x-up-status']).toBe('502, 200');
    expect(a.connections).toBe(2);
  });

  test('dying on reuse counts as a failure, but does not use up proxy_next_upstream_tries 1', async () => {
    const a = await backend('A', (exchange) => {
      if (exchange.received.onConnection > 1) exchange.req.socket.destroy();
      else ok()(exchange);
    });
    const b = await backend('B');
    const proxy = await startProxy({
      upstream: `${serverLines([a, b], 'fail_timeout=30s')}\n    keepalive 8;`,
      location: `${KEEPALIVE_LOCATION} proxy_next_upstream_tries 1;`,
    });
    expect(upstreamNames(await send(proxy.url()), [a, b])).toBe('A');
    expect(upstreamNames(await send(proxy.url()), [a, b])).toBe('B');
    const reply = await send(proxy.url());
    expect(reply.status).toBe(200);
    expect(upstreamNames(reply, [a, b])).toBe('A,B');
    expect(reply.headers['x-up-status']).toBe('502, 200');
    const peerA = proxy.balancer.snapshot()[0]!.peers.find((p) => p.addr === a.addr)!;
    expect(peerA).toMatchObject({ fails: 1, failed: true, conns: 0 });
    expect(upstreamNames(await send(proxy.url()), [a, b])).toBe('B');
  });

  test('a fresh connection failing does not get its try back', async () => {
    const a = await backend('A', (exchange) => exchange.req.socket.destroy());
    const b = await backend('B');
    const proxy = await startProxy({
      upstream: `${serverLines([a, b], 'fail_timeout=30s')}\n    keepalive 8;`,
      location: `${KEEPALIVE_LOCATION} proxy_next_upstream_tries 1;`,
    });
    const reply = await send(proxy.url());
    expect(reply.status).toBe(502);
    expect(upstreamNames(reply, [a, b])).toBe('A');
  });
});

describe('without keepalive', () => {
  test('every request is a new connection with Connection: close (the default HTTP/1.0)', async () => {
    const a = await backend('A');
    const proxy = await startProxy({ upstream: serverLines([a]) });
    for (let i = 0; i < 20; i++) expect((await send(proxy.url())).status).toBe(200);
    expect(a.connections).toBe(20);
    for (const r of a.requests) {
      expect(r.httpVersion).toBe('1.0');
      expect(headerValues(r.rawHeaders, 'connection')).toEqual(['close']);
    }
  });

  test('proxy_http_version 1.1 alone still sends Connection: close', async () => {
    const a = await backend('A');
    const proxy = await startProxy({ upstream: serverLines([a]), location: 'proxy_http_version 1.1;' });
    for (let i = 0; i < 10; i++) expect((await send(proxy.url())).status).toBe(200);
    expect(a.connections).toBe(10);
    expect(a.requests.every((r) => headerValues(r.rawHeaders, 'connection')[0] === 'close')).toBe(true);
  });

  test('HTTP/1.1 with Connection "" but no keepalive in the upstream: nothing is cached', async () => {
    const a = await backend('A');
    const proxy = await startProxy({ upstream: serverLines([a]), location: KEEPALIVE_LOCATION });
    for (let i = 0; i < 10; i++) expect((await send(proxy.url())).status).toBe(200);
    expect(a.connections).toBe(10);
    expect(a.requests.every((r) => headerValues(r.rawHeaders, 'connection').length === 0)).toBe(true);
  });
});
