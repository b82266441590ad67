import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import type { RequestRecord } from '../../core/balancer';
import { HttpBackend, ok, type Handler } from './support/backend';
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

/** Request records for subscribers, and what aborts leave behind (peer freed, 499). */

afterEach(runCleanups);

async function backend(name: string, handler: Handler = ok()): Promise<HttpBackend> {
  const b = await HttpBackend.start(name, handler);
  defer(() => b.close());
  return b;
}

function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // a subscriber doing heavy work on the event loop
  }
}

describe('records', () => {
  test('every request exactly once, in batches, with the attempts it made', async () => {
    const a = await backend('A');
    const refused = `127.0.0.1:${await freePort()}`;
    const proxy = await startProxy({ upstream: serverLines([a.addr, refused], 'fail_timeout=30s') });
    const batches: Array<readonly RequestRecord[]> = [];
    proxy.balancer.subscribe((batch) => batches.push(batch));

    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => send(proxy.url(`/r?i=${i}`))));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    await waitUntil(() => batches.flat().length >= 50, 3000, '50 records');
    await sleep(250);

    const records = batches.flat();
    expect(records).toHaveLength(50);
    expect(new Set(records.map((r) => r.uri)).size).toBe(50);
    expect(Math.max(...batches.map((b) => b.length))).toBeGreaterThan(1);
    for (const record of records) {
      expect(record).toMatchObject({ method: 'GET', status: 200, upstream: 'backend', host: '127.0.0.1' });
      const attempts = record.attempts.map((t) => `${t.addr === a.addr ? 'A' : 'refused'}:${t.status}`);
      expect([['A:200'], ['refused:502', 'A:200']]).toContainEqual(attempts);
    }
    expect(records.some((r) => r.attempts.length === 2)).toBe(true);
  });

  test('a slow subscriber (50 ms busy per batch) loses nothing', async () => {
    const a = await backend('A');
    const proxy = await startProxy({ upstream: serverLines([a]) });
    const batches: number[] = [];
    const uris = new Set<string>();
    let total = 0;
    proxy.balancer.subscribe((batch) => {
      batches.push(batch.length);
      total += batch.length;
      for (const record of batch) uris.add(record.uri);
      busyWait(50);
    });
    let sent = 0;
    for (let burst = 0; burst < 10; burst++) {
      await Promise.all(Array.from({ length: 30 }, () => send(proxy.url(`/s${sent++}`))));
    }
    await waitUntil(() => total >= sent, 5000, 'all records');
    await sleep(200);
    expect(total).toBe(300);
    expect(uris.size).toBe(300);
    expect(batches.some((n) => n > 1)).toBe(true);
  });
});

describe('aborts mid-response', () => {
  /** Headers and part of a 1 MB body, then nothing more until the connection goes away. */
  const partial: Handler = ({ res }) => {
    res.writeHead(200, { 'Content-Length': String(1024 * 1024) });
    res.write(Buffer.alloc(64 * 1024, 'p'));
  };

  test('the client going away frees the peer and is recorded as 499', async () => {
    const a = await backend('A', partial);
    const proxy = await startProxy({ upstream: serverLines([a]) });
    const records: RequestRecord[] = [];
    proxy.balancer.subscribe((batch) => records.push(...batch));

    const connsWhileReading = await new Promise<number>((resolve) => {
      const req = httpRequest(proxy.url('/partial'), { agent: false }, (res) => {
        res.once('data', () => {
          resolve(proxy.balancer.snapshot()[0]!.peers[0]!.conns);
          req.destroy();
        });
      });
      req.on('error', () => {});
      req.end();
    });
    expect(connsWhileReading).toBe(1);

    await waitUntil(() => proxy.balancer.snapshot()[0]!.peers[0]!.conns === 0, 2000, 'the peer to be freed');
    await waitUntil(() => a.sockets.size === 0, 2000, 'the upstream connection to close');
    await waitUntil(() => records.length === 1, 2000, 'the record');
    expect(records[0]).toMatchObject({ status: 499, attempts: [{ addr: a.addr, status: 200 }] });
    // The peer is not blamed: still eligible, the next request goes there.
    expect(proxy.balancer.snapshot()[0]!.peers[0]!.fails).toBe(0);
  });

  test('the client going away before the upstream answered: 499, peer freed', async () => {
    const a = await backend('A', () => {});
    const proxy = await startProxy({ upstream: serverLines([a]) });
    const records: RequestRecord[] = [];
    proxy.balancer.subscribe((batch) => records.push(...batch));
    const req = httpRequest(proxy.url('/never'), { agent: false });
    req.on('error', () => {});
    req.end();
    await waitUntil(() => a.requests.length === 1, 2000, 'the request at the backend');
    req.destroy();
    await waitUntil(() => records.length === 1, 2000, 'the record');
    expect(records[0]).toMatchObject({ status: 499, attempts: [{ addr: a.addr, status: 499 }] });
    expect(proxy.balancer.snapshot()[0]!.peers[0]!.conns).toBe(0);
  });

  test.each([
    ['Content-Length', { 'Content-Length': '100000' }],
    ['chunked', {}],
  ])(
    'the upstream going away (%s): the client sees a truncated response, not a hang',
    async (_label, headers) => {
      const a = await backend('A', ({ res }) => {
        res.writeHead(200, headers);
        res.write(Buffer.alloc(1000, 'u'), () => setTimeout(() => res.socket?.destroy(), 20));
      });
      const proxy = await startProxy({
        upstream: serverLines([a]),
        location: 'proxy_http_version 1.1; proxy_set_header Connection "";',
      });
      const records: RequestRecord[] = [];
      proxy.balancer.subscribe((batch) => records.push(...batch));

      const started = Date.now();
      const outcome = await new Promise<{ received: number; complete: boolean; error: boolean }>(
        (resolve) => {
          let received = 0;
          const req = httpRequest(proxy.url('/cut'), { agent: false }, (res) => {
            res.on('data', (chunk: Buffer) => (received += chunk.length));
            res.on('end', () => resolve({ received, complete: res.complete, error: false }));
            res.on('error', () => resolve({ received, complete: res.complete, error: true }));
          });
          req.on('error', () => resolve({ received, complete: false, error: true }));
          req.end();
        },
      );
      expect(Date.now() - started).toBeLessThan(2000);
      expect(outcome.complete).toBe(false);
      expect(outcome.received).toBe(1000);
      await waitUntil(
        () => proxy.balancer.snapshot()[0]!.peers[0]!.conns === 0,
        2000,
        'the peer to be freed',
      );
      await waitUntil(() => records.length === 1, 2000, 'the record');
      expect(records[0]!.attempts).toEqual([expect.objectContaining({ addr: a.addr, status: 200 })]);
      // Nothing after the header counts as a failure (spec §4).
      expect(proxy.balancer.snapshot()[0]!.peers[0]!.fails).toBe(0);
    },
  );
});

describe('bytes per attempt', () => {
  /** The request as the backend got it, head and body: what the balancer wrote to it. */
  function wireLength(
    r: { method: string; url: string; httpVersion: string; rawHeaders: string[] },
    body: number,
  ): number {
    let head = `${r.method} ${r.url} HTTP/${r.httpVersion}\r\n`;
    for (let i = 0; i < r.rawHeaders.length; i += 2) head += `${r.rawHeaders[i]}: ${r.rawHeaders[i + 1]}\r\n`;
    return Buffer.byteLength(`${head}\r\n`, 'latin1') + body;
  }

  test('$upstream_bytes_sent: head and body written to each attempt, none to a refused one; a kept-alive connection counts each request alone', async () => {
    const a = await backend('A');
    const refused = `127.0.0.1:${await freePort()}`;
    const proxy = await startProxy({
      upstream: `${serverLines([refused, a.addr], 'fail_timeout=30s')}\n    keepalive 4;`,
      location: 'proxy_http_version 1.1; proxy_set_header Connection "";',
    });
    const records: RequestRecord[] = [];
    proxy.balancer.subscribe((batch) => records.push(...batch));
    const body = Buffer.alloc(1000, 'x');
    for (let i = 0; i < 3; i++)
      expect((await send(proxy.url(`/p${i}`), { method: 'POST', body })).status).toBe(200);
    await waitUntil(() => records.length === 3, 3000, '3 records');
    expect(a.connections).toBe(1);

    const failedOver = records.find((r) => r.attempts.length === 2)!;
    expect(failedOver.attempts[0]).toMatchObject({ addr: refused, bytesSent: 0, bytesReceived: 0 });
    for (const [i, record] of records.entries()) {
      const served = record.attempts.at(-1)!;
      expect(served.addr).toBe(a.addr);
      expect(served.bytesSent).toBe(wireLength(a.requests[i]!, 1000));
      expect(served.bytesReceived).toBeGreaterThan(0);
    }
  });
});
