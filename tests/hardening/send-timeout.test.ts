import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { parseNginxConfig } from '../../core/nginx';
import { eventually, hardeningConf, startBalancer } from './helpers';
import type { Balancer } from '../../core/balancer';

/**
 * nginx's send_timeout: a client that stops reading a large response is closed once a write to
 * it has made no progress for send_timeout, and the peer it held is freed (issue 10).
 */

const BODY = 32 * 1024 * 1024;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** An upstream that answers every request with a BODY-byte response, written as fast as it may. */
async function bigUpstream(): Promise<{ addr: string; open: () => number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', () => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let left = BODY / chunk.length;
      const pump = (): void => {
        while (left > 0 && !socket.destroyed) {
          left--;
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { addr: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, open: () => sockets.size };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function conns(balancer: Balancer): number {
  return balancer.snapshot()[0]!.peers[0]!.conns;
}

describe('send_timeout', () => {
  test('is parsed at http and server level (default 60s)', () => {
    const at = (server: string, http = ''): number =>
      parseNginxConfig(
        hardeningConf(8080, '127.0.0.1:9', server).replace('http {', `http {\n${http}`),
        'x.conf',
      ).config.servers[0]!.sendTimeoutMs;
    expect(at('')).toBe(60_000);
    expect(at('send_timeout 2s;')).toBe(2000);
    expect(at('', 'send_timeout 750ms;')).toBe(750);
  });

  test('a client that never reads is closed after it and the peer is freed', async () => {
    const upstream = await bigUpstream();
    const { balancer, port } = await startBalancer(
      hardeningConf(await freePort(), upstream.addr, 'send_timeout 1s;'),
    );
    cleanups.push(() => balancer.close(100));
    const client = net.connect({ host: '127.0.0.1', port });
    client.on('error', () => {});
    cleanups.push(() => client.destroy());
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    client.pause();
    client.write('GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await eventually(() => conns(balancer) === 1, 3000);
    const pinned = performance.now();
    await eventually(async () => conns(balancer) === 0 && (await balancer.connectionCount()) === 0, 6000);
    // Not before the timeout: the client was given send_timeout to make progress.
    expect(performance.now() - pinned).toBeGreaterThan(800);
    await eventually(() => upstream.open() === 0, 3000);
  });

  test('a slow client that keeps reading is not cut off', async () => {
    const upstream = await bigUpstream();
    const { balancer, port } = await startBalancer(
      hardeningConf(await freePort(), upstream.addr, 'send_timeout 2s;'),
    );
    cleanups.push(() => balancer.close(100));
    const client = net.connect({ host: '127.0.0.1', port });
    client.on('error', () => {});
    cleanups.push(() => client.destroy());
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    client.write('GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n');
    client.pause();
    let received = 0;
    let closed = false;
    client.on('data', (chunk: Buffer) => (received += chunk.length));
    client.on('close', () => (closed = true));
    // Stalls 1.5 s (less than send_timeout) before each 50 ms of reading.
    const cycle = setInterval(() => {
      client.resume();
      setTimeout(() => client.pause(), 50);
    }, 1550);
    cleanups.push(() => clearInterval(cycle));
    await eventually(() => received >= BODY || closed, 15_000);
    expect(closed).toBe(false);
    expect(received).toBeGreaterThan(BODY);
    await eventually(() => conns(balancer) === 0, 2000);
  });
});
