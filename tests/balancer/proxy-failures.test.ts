import { afterEach, describe, expect, test } from 'vitest';
import { hang, HttpBackend, ok, reset, status } from './support/backend';
import {
  defer,
  freePort,
  runCleanups,
  send,
  serverLines,
  startProxy,
  upstreamNames,
  type Reply,
} from './support/proxy';

/** Failing peers over real sockets (spec §4–§6, §10 T3–T6, T10c, T11). */

afterEach(runCleanups);

interface Named {
  name: string;
  addr: string;
}

async function backend(name: string, handler = ok()): Promise<HttpBackend> {
  const b = await HttpBackend.start(name, handler);
  defer(() => b.close());
  return b;
}

/** A peer nothing listens on: connect() is refused. */
async function refusing(name: string): Promise<Named> {
  return { name, addr: `127.0.0.1:${await freePort()}` };
}

const TIMEOUTS = 'proxy_connect_timeout 1s; proxy_read_timeout 300ms; proxy_send_timeout 1s;';

/** `200 B [A,B] (502,200)` */
function summary(reply: Reply, peers: Named[]): string {
  const served = reply.status === 200 ? ` ${reply.body}` : '';
  return `${reply.status}${served} [${upstreamNames(reply, peers)}] (${reply.headers['x-up-status']})`;
}

describe('GET is retried on the next peer', () => {
  test('after connection refused: served by B, refused A marked failed (T2/T3)', async () => {
    const peers = [await refusing('A'), await backend('B')];
    const proxy = await startProxy({ upstream: serverLines(peers, 'fail_timeout=30s'), location: TIMEOUTS });
    expect(summary(await send(proxy.url()), peers)).toBe('200 B [A,B] (502, 200)');
    expect(summary(await send(proxy.url()), peers)).toBe('200 B [B] (200)');
    expect(summary(await send(proxy.url()), peers)).toBe('200 B [B] (200)');
  });

  test('after an RST once the head was read (T3)', async () => {
    const a = await backend('A', reset());
    const b = await backend('B');
    const proxy = await startProxy({ upstream: serverLines([a, b], 'fail_timeout=30s'), location: TIMEOUTS });
    expect(summary(await send(proxy.url()), [a, b])).toBe('200 B [A,B] (502, 200)');
    expect(a.requests).toHaveLength(1);
    expect(summary(await send(proxy.url()), [a, b])).toBe('200 B [B] (200)');
  });

  test('after a read timeout; two hanging peers give 504 (T4/T5)', async () => {
    const a = await backend('A', hang());
    const b = await backend('B', hang());
    const c = await backend('C');
    const proxy = await startProxy({
      upstream: serverLines([a, b, c], 'fail_timeout=30s'),
      location: TIMEOUTS,
    });
    const started = Date.now();
    expect(summary(await send(proxy.url()), [a, b, c])).toBe('200 C [A,B,C] (504, 504, 200)');
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  test('the last attempt timing out is 504, not 502', async () => {
    const a = await backend('A', hang());
    const b = await backend('B', hang());
    const proxy = await startProxy({ upstream: serverLines([a, b], 'fail_timeout=30s'), location: TIMEOUTS });
    const reply = await send(proxy.url());
    expect(summary(reply, [a, b])).toBe('504 [A,B] (504, 504)');
    expect(reply.body).toContain('504 Gateway Time-out');
    // Both are now failed: no live upstreams.
    expect(summary(await send(proxy.url()), [a, b])).toBe('502 [backend] (502)');
  });
});

describe('POST (non-idempotent)', () => {
  test('is not retried once the request was sent: reset gives 502 (T3)', async () => {
    const a = await backend('A', reset());
    const b = await backend('B');
    const proxy = await startProxy({ upstream: serverLines([a, b], 'fail_timeout=30s'), location: TIMEOUTS });
    const reply = await send(proxy.url('/form'), { method: 'POST', body: 'hello' });
    expect(summary(reply, [a, b])).toBe('502 [A] (502)');
    expect(b.requests).toHaveLength(0);
    // A was still marked failed.
    expect(summary(await send(proxy.url('/form'), { method: 'POST', body: 'hello' }), [a, b])).toBe(
      '200 B [B] (200)',
    );
  });

  test('is not retried after a read timeout: 504 (T4)', async () => {
    const a = await backend('A', hang());
    const b = await backend('B');
    const proxy = await startProxy({ upstream: serverLines([a, b], 'fail_timeout=30s'), location: TIMEOUTS });
    const reply = await send(proxy.url('/form'), { method: 'POST', body: 'hello' });
    expect(summary(reply, [a, b])).toBe('504 [A] (504)');
    expect(b.requests).toHaveLength(0);
  });

  test('is retried when the connection was refused (never sent), body intact (T3)', async () => {
    const peers = [await refusing('A'), await backend('B')];
    const proxy = await startProxy({ upstream: serverLines(peers, 'fail_timeout=30s'), location: TIMEOUTS });
    const reply = await send(proxy.url('/form'), { method: 'POST', body: 'hello' });
    expect(summary(reply, peers)).toBe('200 B [A,B] (502, 200)');
    const b = peers[1] as HttpBackend;
    expect(b.requests[0]?.body.toString()).toBe('hello');
  });

  test('PUT is idempotent: retried after a reset, with the body sent again', async () => {
    const a = await backend('A', reset());
    const b = await backend('B');
    const proxy = await startProxy({ upstream: serverLines([a, b], 'fail_timeout=30s'), location: TIMEOUTS });
    const reply = await send(proxy.url('/doc'), { method: 'PUT', body: 'payload' });
    expect(summary(reply, [a, b])).toBe('200 B [A,B] (502, 200)');
    expect(b.requests[0]?.body.toString()).toBe('payload');
  });
});

describe('upstream error statuses', () => {
  test('500 and 404 pass through by default and count as success (T10c)', async () => {
    const a = await backend('A', status(500));
    const b = await backend('B', status(404));
    const proxy = await startProxy({ upstream: serverLines([a, b], 'fail_timeout=30s'), location: TIMEOUTS });
    const first = await send(proxy.url());
    expect(`${first.status} ${first.body} [${upstreamNames(first, [a, b])}]`).toBe('500 A-500 [A]');
    const second = await send(proxy.url());
    expect(`${second.status} ${second.body} [${upstreamNames(second, [a, b])}]`).toBe('404 B-404 [B]');
    // Neither was disabled.
    expect(upstreamNames(await send(proxy.url()), [a, b])).toBe('A');
  });

  test('http_500 in the mask: retried on B; A counted as failed (T10c)', async () => {
    const a = await backend('A', status(500));
    const b = await backend('B');
    const proxy = await startProxy({
      upstream: serverLines([a, b], 'fail_timeout=30s'),
      location: `${TIMEOUTS} proxy_next_upstream error timeout http_500;`,
    });
    expect(summary(await send(proxy.url()), [a, b])).toBe('200 B [A,B] (500, 200)');
    expect(summary(await send(proxy.url()), [a, b])).toBe('200 B [B] (200)');
  });

  test('http_404 in the mask: retried, but A is never disabled (T8)', async () => {
    const a = await backend('A', status(404));
    const b = await backend('B');
    const proxy = await startProxy({
      upstream: serverLines([a, b], 'fail_timeout=30s'),
      location: `${TIMEOUTS} proxy_next_upstream error timeout http_404;`,
    });
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(summary(await send(proxy.url()), [a, b]));
    expect(seen).toEqual([
      '200 B [A,B] (404, 200)',
      '200 B [B] (200)',
      '200 B [A,B] (404, 200)',
      '200 B [B] (200)',
    ]);
  });

  test('both answer 500 with http_500 in the mask: the last 500 passes, then no live upstreams (T10c)', async () => {
    const a = await backend('A', status(500));
    const b = await backend('B', status(500));
    const proxy = await startProxy({
      upstream: serverLines([a, b], 'fail_timeout=30s'),
      location: `${TIMEOUTS} proxy_next_upstream error timeout http_500;`,
    });
    const first = await send(proxy.url());
    expect(`${first.status} ${first.body} [${upstreamNames(first, [a, b])}]`).toBe('500 B-500 [A,B]');
    expect(summary(await send(proxy.url()), [a, b])).toBe('502 [B,backend] (500, 502)');
    expect(summary(await send(proxy.url()), [a, b])).toBe('502 [backend] (502)');
  });
});

describe('limits on retrying', () => {
  test('proxy_next_upstream off: no retry, but the failure still counts (T11)', async () => {
    const a = await backend('A', reset());
    const b = await backend('B');
    const proxy = await startProxy({
      upstream: serverLines([a, b], 'fail_timeout=30s'),
      location: `${TIMEOUTS} proxy_next_upstream off;`,
    });
    expect(summary(await send(proxy.url()), [a, b])).toBe('502 [A] (502)');
    for (let i = 0; i < 3; i++) expect(summary(await send(proxy.url()), [a, b])).toBe('200 B [B] (200)');
    expect(a.requests).toHaveLength(1);
  });

  test('proxy_next_upstream_tries 2 (T11)', async () => {
    const [a, b, c] = [await backend('A', reset()), await backend('B', reset()), await backend('C', reset())];
    const peers = [a, b, c];
    const proxy = await startProxy({
      upstream: serverLines(peers, 'fail_timeout=30s'),
      location: `${TIMEOUTS} proxy_next_upstream_tries 2;`,
    });
    expect(summary(await send(proxy.url()), peers)).toBe('502 [A,B] (502, 502)');
    expect(summary(await send(proxy.url()), peers)).toBe('502 [C,backend] (502, 502)');
    expect(summary(await send(proxy.url()), peers)).toBe('502 [backend] (502)');
  });

  test('proxy_next_upstream_timeout stops retrying once that much time has passed', async () => {
    const a = await backend('A', hang());
    const b = await backend('B');
    const proxy = await startProxy({
      upstream: serverLines([a, b], 'fail_timeout=30s'),
      location: `${TIMEOUTS} proxy_next_upstream_timeout 200ms;`,
    });
    // A's read timeout (300 ms) ends after the 200 ms retry budget: no retry.
    expect(summary(await send(proxy.url()), [a, b])).toBe('504 [A] (504)');
    expect(b.requests).toHaveLength(0);
  });

  test('proxy_next_upstream_timeout not yet reached: retried', async () => {
    const a = await backend('A', reset());
    const b = await backend('B');
    const proxy = await startProxy({
      upstream: serverLines([a, b], 'fail_timeout=30s'),
      location: `${TIMEOUTS} proxy_next_upstream_timeout 5s;`,
    });
    expect(summary(await send(proxy.url()), [a, b])).toBe('200 B [A,B] (502, 200)');
  });
});

describe('no live upstreams', () => {
  test('every peer failed: immediate 502 listed under the group name, no connection attempt (T5)', async () => {
    const a = await backend('A', reset());
    const b = await backend('B', reset());
    const proxy = await startProxy({ upstream: serverLines([a, b], 'fail_timeout=30s'), location: TIMEOUTS });
    expect(summary(await send(proxy.url()), [a, b])).toBe('502 [A,B] (502, 502)');
    const connections = a.connections + b.connections;
    const reply = await send(proxy.url());
    expect(reply.status).toBe(502);
    expect(reply.headers['x-up-addr']).toBe('backend');
    expect(reply.headers['x-up-status']).toBe('502');
    expect(reply.body).toContain('502 Bad Gateway');
    expect(a.connections + b.connections).toBe(connections);
  });

  test('a single peer is never disabled and never retried (T12)', async () => {
    const a = await backend('A', reset());
    const proxy = await startProxy({ upstream: serverLines([a], 'fail_timeout=30s'), location: TIMEOUTS });
    expect(summary(await send(proxy.url()), [a])).toBe('502 [A] (502)');
    a.handler = ok();
    expect(summary(await send(proxy.url()), [a])).toBe('200 A [A] (200)');
  });
});
