import { afterEach, describe, expect, test } from 'vitest';
import type { Balancer } from '../../core/balancer';
import { Backend } from '../support/backends';
import { sendRaw } from '../support/client';
import { startNginx } from '../support/nginx';
import { nginxBinary, requires } from '../support/prerequisites';
import { freePort } from '../support/target';
import { CountingUpstream, eventually, hardeningConf, slowClient, startBalancer } from './helpers';

/**
 * Slow clients time out as with nginx's client_header_timeout / client_body_timeout /
 * keepalive_timeout (here 1 s each), on real nginx and on ours alike: the connection is closed
 * without an answer (nginx logs 408 but sends nothing), and slow clients do not starve others.
 */

const TIMEOUTS = 'client_header_timeout 1s; client_body_timeout 1s; keepalive_timeout 1s;';
const HEAD = 'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n';

interface Proxy {
  port: number;
  balancer?: Balancer;
  stop(): Promise<void>;
}

const targets: Array<{ name: string; start(conf: string): Promise<Proxy> }> = [
  {
    name: 'nginx',
    async start(conf) {
      const nginx = await startNginx(conf);
      return { port: nginx.port, stop: () => nginx.stop() };
    },
  },
  {
    name: 'ours',
    async start(conf) {
      const { balancer, port } = await startBalancer(conf);
      return { port, balancer, stop: () => balancer.close(100) };
    },
  },
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  target: (typeof targets)[number],
  upstream: { address: string; close(): Promise<void> },
): Promise<Proxy> {
  cleanups.push(() => upstream.close());
  const proxy = await target.start(hardeningConf(await freePort(), upstream.address, TIMEOUTS));
  cleanups.push(() => proxy.stop());
  return proxy;
}

async function holdingUpstream(): Promise<CountingUpstream> {
  const upstream = new CountingUpstream('hold');
  await upstream.start();
  return upstream;
}

const expectAboutOneSecond = (ms: number): void => {
  expect(ms).toBeGreaterThan(950);
  expect(ms).toBeLessThan(1700);
};

if (requires('nginx', nginxBinary() !== undefined, 'install nginx 1.22 (apt-get install nginx-light)')) {
  describe.each(targets)('slow clients on $name', (target) => {
    test('slowloris (a header byte every 300 ms) is closed without an answer after client_header_timeout', async () => {
      const proxy = await setup(target, await holdingUpstream());
      const head = `GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'a'.repeat(40)}`;
      const result = await slowClient(proxy.port, [...head], 300);
      expect(result.received).toBe('');
      expectAboutOneSecond(result.closedAfterMs);
    });

    test('a connection that sends nothing is closed after client_header_timeout', async () => {
      const proxy = await setup(target, await holdingUpstream());
      const result = await slowClient(proxy.port, [], 300);
      expect(result.received).toBe('');
      expectAboutOneSecond(result.closedAfterMs);
    });

    test('a stalled body is closed without an answer after client_body_timeout; the upstream request is aborted', async () => {
      const upstream = await holdingUpstream();
      const proxy = await setup(target, upstream);
      const started = performance.now();
      const result = await slowClient(proxy.port, [HEAD, '0123456789'], 20);
      expect(result.received).toBe('');
      expectAboutOneSecond(result.closedAfterMs - 20);
      // nginx reads the whole body before it goes upstream; ours streams it and aborts it.
      await eventually(() => upstream.sockets.size === 0);
      if (proxy.balancer) {
        expect(upstream.accepted).toBe(1);
        expect(proxy.balancer.snapshot()[0]!.peers[0]!.conns).toBe(0);
        await eventually(async () => (await proxy.balancer!.connectionCount()) === 0);
      } else expect(upstream.accepted).toBe(0);
      expect(performance.now() - started).toBeLessThan(3000);
    });

    test('client_body_timeout runs between two reads: a body trickling a byte every 300 ms is not cut', async () => {
      const proxy = await setup(target, await holdingUpstream());
      const result = await slowClient(proxy.port, [HEAD, ...'0123456789'], 300);
      expect(result.received).toBe('');
      // Ten bytes over 3 s, then one second of silence. nginx keeps a running timer when the new
      // deadline is within 300 ms of the old (NGX_TIMER_LAZY_DELAY), so it may close up to 300 ms early.
      expect(result.closedAfterMs).toBeGreaterThan(3000 + 600);
      expect(result.closedAfterMs).toBeLessThan(3000 + 1700);
    });

    test('an idle keep-alive connection is closed after keepalive_timeout', async () => {
      const backend = new Backend('A');
      await backend.start('ok');
      const proxy = await setup(target, backend);
      const result = await slowClient(proxy.port, ['GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'], 300);
      expect(result.received).toMatch(/^HTTP\/1\.1 200 /);
      expectAboutOneSecond(result.closedAfterMs);
    });

    test('keepalive_timeout 0: every answer closes the connection', async () => {
      const backend = new Backend('A');
      await backend.start('ok');
      cleanups.push(() => backend.close());
      const proxy = await target.start(
        hardeningConf(await freePort(), backend.address, 'keepalive_timeout 0;'),
      );
      cleanups.push(() => proxy.stop());
      const result = await slowClient(proxy.port, ['GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'], 300);
      expect(result.received).toMatch(/^HTTP\/1\.1 200 [^]*\r\nConnection: close\r\n/i);
      expect(result.closedAfterMs).toBeLessThan(500);
    });
  });

  describe('many slow clients on ours', () => {
    test('200 slowloris connections at once do not hold up a well-formed client', async () => {
      const backend = new Backend('A');
      await backend.start('ok');
      const proxy = await setup(targets[1]!, backend);
      const head = `GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'a'.repeat(40)}`;
      const slow = Array.from({ length: 200 }, () => slowClient(proxy.port, [...head], 300));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const response = await sendRaw({
          port: proxy.port,
          request: 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
        });
        expect(response.status).toBe(200);
        times.push(response.elapsedMs);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(Math.max(...times)).toBeLessThan(200);
      // The slow ones were all cut at client_header_timeout, without an answer.
      const results = await Promise.all(slow);
      expect(results.every((r) => r.received === '')).toBe(true);
      expect(Math.max(...results.map((r) => r.closedAfterMs))).toBeLessThan(1800);
      await eventually(async () => (await proxy.balancer!.connectionCount()) === 0);
    });
  });
}
