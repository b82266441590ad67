import { createHash } from 'node:crypto';
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, test } from 'vitest';
import { echo, headerValues, HttpBackend, ok, type Handler } from './support/backend';
import {
  defer,
  RawClient,
  runCleanups,
  send,
  serverLines,
  sleep,
  startProxy,
  waitUntil,
} from './support/proxy';

/** Request and response bodies stream through the proxy, both ways, with backpressure. */

afterEach(runCleanups);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
const TOTAL = 50 * MB;
const BLOCK = 64 * 1024;

/** Retained memory of this process (proxy, backend and client all live here). */
function retained(): number {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Deterministic 64 KiB blocks, each stamped with its index, so order and content both count. */
function block(index: number, base: Buffer): Buffer {
  const b = Buffer.from(base);
  b.writeUInt32BE(index, 0);
  b.writeUInt32BE((index ^ 0xa5a5a5a5) >>> 0, BLOCK - 4);
  return b;
}

const BASE = createHash('sha512')
  .update('upstream-lab')
  .digest()
  .toString('hex')
  .repeat(BLOCK / 128)
  .slice(0, BLOCK);
const BASE_BUFFER = Buffer.from(BASE, 'latin1');

function expectedHash(total: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < total / BLOCK; i++) hash.update(block(i, BASE_BUFFER));
  return hash.digest('hex');
}

/** Writes `total` bytes of blocks to `sink`, waiting for drain; `progress.written` counts accepted bytes. */
async function writeBlocks(
  sink: ClientRequest | import('node:http').ServerResponse,
  total: number,
  progress: { written: number },
): Promise<void> {
  for (let i = 0; i < total / BLOCK; i++) {
    const more = sink.write(block(i, BASE_BUFFER));
    progress.written += BLOCK;
    if (!more) {
      const closed = await new Promise<boolean>((resolve) => {
        const onDrain = (): void => {
          sink.off('close', onClose);
          resolve(false);
        };
        const onClose = (): void => {
          sink.off('drain', onDrain);
          resolve(true);
        };
        sink.once('drain', onDrain);
        sink.once('close', onClose);
      });
      if (closed) return;
    }
  }
}

/** Waits until `value()` has not changed for `quietMs`. */
async function untilStalled(value: () => number, quietMs = 300, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('never stalled');
    await sleep(20);
    const now = value();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

async function backend(name: string, handler: Handler = ok()): Promise<HttpBackend> {
  const b = await HttpBackend.start(name, handler);
  defer(() => b.close());
  return b;
}

describe('a 50 MB upload with Content-Length', () => {
  test('arrives intact, streamed: the proxy holds back when the backend stops reading', async () => {
    let backendReq: IncomingMessage | null = null;
    const a = await backend('A', (exchange) => {
      backendReq = exchange.req;
      // Read the first few megabytes, then stop reading until told to go on.
      const stop = (): void => {
        if (exchange.received.bodyLength < 4 * MB) return;
        exchange.req.off('data', stop);
        exchange.req.pause();
      };
      exchange.req.on('data', stop);
      ok()(exchange);
    });
    const proxy = await startProxy({ upstream: serverLines([a]), server: 'client_max_body_size 100m;' });
    const before = retained();

    const progress = { written: 0 };
    const replied = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        proxy.url('/upload'),
        { method: 'PUT', agent: false, headers: { 'Content-Length': String(TOTAL) } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      void writeBlocks(req, TOTAL, progress).then(() => req.end());
    });
    replied.catch(() => {});

    await waitUntil(() => backendReq !== null && backendReq.isPaused(), 10_000, 'the backend to pause');
    await untilStalled(() => progress.written);
    // Only socket buffers sit between client and backend: nowhere near the whole body.
    expect(progress.written).toBeLessThan(TOTAL - 10 * MB);
    const growth = retained() - before;
    expect(growth).toBeLessThan(20 * MB);

    backendReq!.resume();
    const reply = await replied;
    expect(reply).toEqual({ status: 200, body: 'A' });
    const received = a.requests[0]!;
    expect(received.complete).toBe(true);
    expect(received.bodyLength).toBe(TOTAL);
    expect(received.bodyHash).toBe(expectedHash(TOTAL));
    expect(headerValues(received.rawHeaders, 'content-length')).toEqual([String(TOTAL)]);
  });
});

describe('client_max_body_size', () => {
  test('a Content-Length above it gets 413 without reaching the upstream', async () => {
    const a = await backend('A');
    const proxy = await startProxy({ upstream: serverLines([a]), server: 'client_max_body_size 1k;' });
    const reply = await send(proxy.url('/big'), { method: 'POST', body: Buffer.alloc(2048) });
    expect(reply.status).toBe(413);
    expect(a.requests).toHaveLength(0);
    expect((await send(proxy.url('/small'), { method: 'POST', body: Buffer.alloc(512) })).status).toBe(200);
  });
});

describe('a 50 MB download', () => {
  test('streams with backpressure to a slow reader and arrives intact', async () => {
    const progress = { written: 0 };
    const a = await backend('A', ({ res }) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(TOTAL) });
      void writeBlocks(res, TOTAL, progress).then(() => res.end());
    });
    // A short read timeout: a slow client must not make the proxy give up on the upstream.
    const proxy = await startProxy({ upstream: serverLines([a]), location: 'proxy_read_timeout 300ms;' });
    const before = retained();

    let received = 0;
    let response: IncomingMessage | null = null;
    const hash = createHash('sha256');
    const done = new Promise<{ status: number; length: string | undefined; error?: Error }>((resolve) => {
      const req = httpRequest(proxy.url('/download'), { agent: false }, (res) => {
        response = res;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          hash.update(chunk);
          // A slow reader: a short pause every few megabytes.
          if (received % (8 * MB) < chunk.length) {
            res.pause();
            setTimeout(() => res.resume(), 20);
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, length: res.headers['content-length'] }));
        res.on('error', (error) => resolve({ status: -1, length: undefined, error }));
      });
      req.on('error', (error) => resolve({ status: -1, length: undefined, error }));
      req.end();
    });

    // Stop reading for a while (longer than proxy_read_timeout) once a few megabytes are in.
    await waitUntil(() => received >= 4 * MB, 10_000, 'the first megabytes');
    response!.pause();
    await untilStalled(() => progress.written, 600);
    expect(progress.written).toBeLessThan(TOTAL - 10 * MB);
    expect(retained() - before).toBeLessThan(20 * MB);
    response!.resume();

    const result = await done;
    expect(result.error).toBeUndefined();
    expect(result).toEqual({ status: 200, length: String(TOTAL) });
    expect(received).toBe(TOTAL);
    expect(hash.digest('hex')).toBe(expectedHash(TOTAL));
  });
});

describe('chunked request bodies', () => {
  /** Sends `body` chunked (no Content-Length), in pieces of `piece` bytes. */
  function sendChunked(url: string, body: Buffer, piece: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      void (async () => {
        for (let i = 0; i < body.length; i += piece) {
          req.write(body.subarray(i, i + piece));
          await sleep(1);
        }
        req.end();
      })();
    });
  }

  test.each([
    ['5 bytes', 5],
    ['exactly 64 KiB', 64 * 1024],
  ])('small (%s): the upstream gets Content-Length and no Transfer-Encoding', async (_label, size) => {
    const a = await backend('A');
    const proxy = await startProxy({ upstream: serverLines([a]) });
    const body = Buffer.alloc(size, 'x');
    body.write('start', 0);
    expect(await sendChunked(proxy.url('/small'), body, 4096)).toBe(200);
    const received = a.requests[0]!;
    expect(headerValues(received.rawHeaders, 'content-length')).toEqual([String(size)]);
    expect(headerValues(received.rawHeaders, 'transfer-encoding')).toEqual([]);
    expect(received.httpVersion).toBe('1.0');
    expect(received.body.equals(body)).toBe(true);
  });

  test('large (1.5 MiB): the upstream gets it chunked (HTTP/1.1), intact', async () => {
    const a = await backend('A');
    const proxy = await startProxy({ upstream: serverLines([a]), server: 'client_max_body_size 10m;' });
    const body = Buffer.concat(Array.from({ length: 24 }, (_, i) => block(i, BASE_BUFFER)));
    expect(await sendChunked(proxy.url('/large'), body, 50_000)).toBe(200);
    const received = a.requests[0]!;
    expect(headerValues(received.rawHeaders, 'transfer-encoding')).toEqual(['chunked']);
    expect(headerValues(received.rawHeaders, 'content-length')).toEqual([]);
    expect(received.httpVersion).toBe('1.1');
    expect(received.bodyLength).toBe(body.length);
    expect(received.bodyHash).toBe(createHash('sha256').update(body).digest('hex'));
  });
});

describe('responses', () => {
  test('a chunked response passes through intact', async () => {
    const pieces = Array.from({ length: 50 }, (_, i) => `piece ${i};`.repeat(i + 1));
    const a = await backend('A', ({ res }) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      void (async () => {
        for (const piece of pieces) {
          res.write(piece);
          await sleep(1);
        }
        res.end();
      })();
    });
    const proxy = await startProxy({
      upstream: serverLines([a]),
      location: 'proxy_http_version 1.1; proxy_set_header Connection "";',
    });
    const reply = await send(proxy.url('/chunked'));
    expect(reply.status).toBe(200);
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(reply.body).toBe(pieces.join(''));
  });

  /** Two requests on one client connection: the second works only if the first was framed right. */
  async function twoOnOneConnection(
    url: string,
    first: string,
  ): Promise<Array<{ status: number; headers: IncomingMessage['headers']; body: string; reused: boolean }>> {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    defer(() => agent.destroy());
    const one = (method: string) =>
      new Promise<{ status: number; headers: IncomingMessage['headers']; body: string; reused: boolean }>(
        (resolve, reject) => {
          const req = httpRequest(url, { method, agent }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body, reused: req.reusedSocket }),
            );
          });
          req.on('error', reject);
          req.end();
        },
      );
    return [await one(first), await one('GET')];
  }

  test('HEAD: headers pass, no body, the client connection stays usable', async () => {
    const a = await backend('A', (exchange) => {
      if (exchange.req.method !== 'HEAD') return ok()(exchange);
      exchange.res.writeHead(200, { 'Content-Length': '12345', 'X-Kind': 'head' });
      exchange.res.end();
    });
    const proxy = await startProxy({ upstream: serverLines([a]) });
    const [head, get] = await twoOnOneConnection(proxy.url('/h'), 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '', reused: false });
    expect(head!.headers['content-length']).toBe('12345');
    expect(head!.headers['x-kind']).toBe('head');
    expect(get).toMatchObject({ status: 200, body: 'A', reused: true });
    expect(a.requests.map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  test.each([204, 304])('%i: no body, the client connection stays usable', async (code) => {
    const a = await backend('A');
    a.handler = (exchange) => {
      if (exchange.received.onConnection === 1 && a.requests.length === 1) {
        exchange.res.writeHead(code, { ETag: '"v1"' });
        exchange.res.end();
      } else ok()(exchange);
    };
    const proxy = await startProxy({ upstream: serverLines([a]) });
    const [first, second] = await twoOnOneConnection(proxy.url('/n'), 'GET');
    expect(first).toMatchObject({ status: code, body: '', reused: false });
    expect(first!.headers.etag).toBe('"v1"');
    expect(second).toMatchObject({ status: 200, body: 'A', reused: true });
  });

  test('Expect: 100-continue is answered by the proxy; the upstream never sees Expect', async () => {
    const a = await backend('A', echo());
    const proxy = await startProxy({ upstream: serverLines([a]) });
    const client = await RawClient.open(proxy.port);
    client.write(
      'POST /e HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
    );
    await client.until((t) => t.includes('\r\n\r\n'));
    expect(client.text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    client.write('hello');
    const text = await client.untilClosed();
    const final = text.slice(text.indexOf('\r\n\r\n') + 4);
    expect(final).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const upstreamRequest = final.slice(final.indexOf('\r\n\r\n') + 4);
    expect(upstreamRequest).toMatch(/^POST \/e HTTP\/1\.0\r\n/);
    expect(upstreamRequest).not.toMatch(/expect/i);
    expect(upstreamRequest).toContain('\r\nContent-Length: 5\r\n');
    expect(upstreamRequest.endsWith('\r\n\r\nhello')).toBe(true);
  });
});
