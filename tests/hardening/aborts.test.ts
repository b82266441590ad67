import { readdirSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, test } from 'vitest';
import type { Balancer } from '../../core/balancer';
import { startNginx } from '../support/nginx';
import { nginxBinary, requires } from '../support/prerequisites';
import { freePort } from '../support/target';
import {
  CountingUpstream,
  eventually,
  hardeningConf,
  startBalancer,
  type UpstreamBehaviour,
} from './helpers';

/**
 * Aborts on either side free everything: a client that goes away mid-upload gets its upstream
 * connection closed and the peer freed; an upstream that goes away mid-response leaves the client
 * with a truncated response at once (as nginx does: it closes the connection), never a hang.
 */

const MB = 1024 * 1024;
const SERVER = 'client_max_body_size 0;';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstreamOf(behaviour: UpstreamBehaviour): Promise<CountingUpstream> {
  const upstream = new CountingUpstream(behaviour);
  await upstream.start();
  cleanups.push(() => upstream.close());
  return upstream;
}

async function oursFor(upstream: CountingUpstream): Promise<{ balancer: Balancer; port: number }> {
  const proxy = await startBalancer(hardeningConf(await freePort(), upstream.address, SERVER));
  cleanups.push(() => proxy.balancer.close(100));
  return proxy;
}

/** Everything the balancer opened for a request is closed again. */
async function expectAllFreed(balancer: Balancer, upstream: CountingUpstream): Promise<void> {
  await eventually(async () => upstream.sockets.size === 0 && (await balancer.connectionCount()) === 0).catch(
    async (error: unknown) => {
      const state = `upstream sockets ${upstream.sockets.size}, client connections ${await balancer.connectionCount()}`;
      throw new Error(`${String(error)}: ${state}`);
    },
  );
  expect(balancer.snapshot()[0]!.peers.map((p) => p.conns)).toEqual([0]);
}

/** Starts a 10 MB upload, sends 1 MB of it, waits until it flows upstream, then goes away. */
async function abortedUpload(port: number, upstream: CountingUpstream, chunked: boolean): Promise<void> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  const framing = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${10 * MB}`;
  socket.write(`POST /upload HTTP/1.1\r\nHost: localhost\r\n${framing}\r\n\r\n`);
  const piece = Buffer.alloc(64 * 1024, 'x');
  const chunk = chunked
    ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
    : piece;
  const before = upstream.bytesReceived;
  for (let sent = 0; sent < MB; sent += piece.length) {
    if (!socket.write(chunk)) await once(socket, 'drain');
  }
  await eventually(() => upstream.bytesReceived - before >= MB / 2);
  socket.destroy();
}

interface Download {
  status: number;
  /** The body bytes that arrived, and whether the response was complete. */
  bodyBytes: number;
  complete: boolean;
  closedAfterMs: number;
}

/** GETs and reads until the proxy closes the connection. */
async function download(port: number): Promise<Download> {
  const started = performance.now();
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  socket.write('GET /download HTTP/1.1\r\nHost: localhost\r\n\r\n');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const giveUp = setTimeout(() => socket.destroy(), 10_000);
  await once(socket, 'close');
  clearTimeout(giveUp);
  const received = Buffer.concat(chunks);
  const headEnd = received.indexOf('\r\n\r\n');
  const head = received.toString('latin1', 0, headEnd);
  const body = received.subarray(headEnd + 4);
  const length = /\r\ncontent-length: (\d+)/i.exec(head)?.[1];
  const complete =
    length !== undefined ? body.length === Number(length) : body.toString('latin1').endsWith('\r\n0\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
    bodyBytes: body.length,
    complete,
    closedAfterMs: performance.now() - started,
  };
}

const openFds = (): number => readdirSync('/proc/self/fd').length;

if (requires('nginx', nginxBinary() !== undefined, 'install nginx 1.22 (apt-get install nginx-light)')) {
  describe('aborts free every socket', () => {
    test.each([
      ['Content-Length', false],
      ['chunked', true],
    ])(
      'a client that goes away mid-upload (%s): its upstream connection is closed and the peer freed',
      async (_, chunked) => {
        const upstream = await upstreamOf('hold');
        const { balancer, port } = await oursFor(upstream);
        await abortedUpload(port, upstream, chunked);
        expect(upstream.accepted).toBe(1);
        await expectAllFreed(balancer, upstream);
      },
    );

    test('an upstream that answers before the upload is in: the client gets the answer and the connection closes', async () => {
      const upstream = await upstreamOf('answer-early');
      const { balancer, port } = await oursFor(upstream);
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.write(`POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${10 * MB}\r\n\r\n`);
      socket.write(Buffer.alloc(256 * 1024, 'x'));
      const closed = once(socket, 'close');
      await eventually(() => received.endsWith('early'));
      expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n/i);
      // The rest of the body is not read as a next request: the connection ends.
      await closed;
      await expectAllFreed(balancer, upstream);
    });

    describe.each([
      ['Content-Length', 'abort-length'],
      ['chunked', 'abort-chunked'],
    ] as const)('an upstream that goes away mid-response (%s)', (_, behaviour) => {
      test('nginx: the client sees a truncated response at once', async () => {
        const upstream = await upstreamOf(behaviour);
        const nginx = await startNginx(hardeningConf(await freePort(), upstream.address, SERVER));
        cleanups.push(() => nginx.stop());
        const result = await download(nginx.port);
        expect(result).toMatchObject({ status: 200, complete: false });
        expect(result.bodyBytes).toBeGreaterThan(0);
        expect(result.closedAfterMs).toBeLessThan(1000);
      });

      test('ours: the client sees a truncated response at once, and everything is freed', async () => {
        const upstream = await upstreamOf(behaviour);
        const { balancer, port } = await oursFor(upstream);
        const result = await download(port);
        expect(result).toMatchObject({ status: 200, complete: false });
        expect(result.bodyBytes).toBeGreaterThan(0);
        expect(result.closedAfterMs).toBeLessThan(1000);
        await expectAllFreed(balancer, upstream);
      });
    });

    test('200 aborts of both kinds leave no file descriptor behind', async () => {
      const upstream = await upstreamOf('hold');
      const { balancer, port } = await oursFor(upstream);
      const round = async (times: number, run: (i: number) => Promise<unknown>): Promise<void> => {
        for (let i = 0; i < times; i += 10)
          await Promise.all(Array.from({ length: 10 }, (_, j) => run(i + j)));
      };
      // Warm up (lazily opened descriptors, pools), then count.
      await abortedUpload(port, upstream, false);
      await expectAllFreed(balancer, upstream);
      const before = openFds();
      upstream.behaviour = 'hold';
      await round(100, (i) => abortedUpload(port, upstream, i % 2 === 1));
      await expectAllFreed(balancer, upstream);
      upstream.behaviour = 'abort-length';
      await round(50, () => download(port));
      upstream.behaviour = 'abort-chunked';
      await round(50, () => download(port));
      await expectAllFreed(balancer, upstream);
      await eventually(() => openFds() - before <= 3, 5000);
    }, 60_000);
  });
}
