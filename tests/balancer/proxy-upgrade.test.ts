import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { RequestRecord } from '../../core/balancer';
import {
  defer,
  freePort,
  RawClient,
  runCleanups,
  serverLines,
  sleep,
  startProxy,
  waitUntil,
} from './support/proxy';

/**
 * WebSocket / Upgrade through the balancer. Unlike nginx, no `proxy_set_header Upgrade` /
 * `Connection` lines are needed: an Upgrade request is always passed as one.
 */

afterEach(runCleanups);

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A raw backend: completes a WebSocket-style 101 handshake, then echoes every byte. */
async function upgradeBackend(): Promise<{ addr: string; heads: string[]; connections: () => number }> {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      const head = data.toString('latin1', 0, end + 4);
      heads.push(head);
      const key = /^sec-websocket-key:\s*(.*?)\s*$/im.exec(head)?.[1] ?? '';
      const accept = createHash('sha1')
        .update(key + WS_GUID)
        .digest('base64');
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      const rest = data.subarray(end + 4);
      if (rest.length > 0) socket.write(rest);
      socket.pipe(socket);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { addr: `127.0.0.1:${port}`, heads, connections: () => connections };
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const UPGRADE_REQUEST =
  'GET /ws?room=1 HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

describe('WebSocket upgrade', () => {
  test('the 101 handshake and echoed bytes pass through without any Upgrade config', async () => {
    const ws = await upgradeBackend();
    const proxy = await startProxy({ upstream: serverLines([ws.addr]) });
    const records: RequestRecord[] = [];
    proxy.balancer.subscribe((batch) => records.push(...batch));

    const client = await RawClient.open(proxy.port);
    // Bytes right behind the head (the same packet) must reach the backend too.
    client.write(UPGRADE_REQUEST + 'early;');
    await client.until((t) => t.includes('\r\n\r\n') && t.endsWith('early;'));
    const [head] = client.text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(head).toContain('\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');

    client.write('ping-1;');
    await client.until((t) => t.endsWith('early;ping-1;'));
    const big = 'x'.repeat(200_000);
    client.write(big);
    await client.until((t) => t.endsWith(big));

    // The backend saw the upgrade request with Upgrade and Connection passed on.
    expect(ws.heads).toHaveLength(1);
    const upstreamHead = ws.heads[0]!;
    expect(upstreamHead).toMatch(/^GET \/ws\?room=1 HTTP\/1\.1\r\n/);
    expect(upstreamHead).toMatch(/\r\nUpgrade: websocket\r\n/);
    expect(upstreamHead).toMatch(/\r\nConnection: upgrade\r\n/i);
    expect(upstreamHead).toContain(`\r\nSec-WebSocket-Key: ${KEY}\r\n`);
    expect(proxy.balancer.snapshot()[0]!.peers[0]!.conns).toBe(1);

    client.socket.end();
    await waitUntil(() => proxy.balancer.snapshot()[0]!.peers[0]!.conns === 0, 2000, 'the peer to be freed');
    await waitUntil(() => records.length === 1, 2000, 'the record');
    expect(records[0]).toMatchObject({
      status: 101,
      uri: '/ws?room=1',
      attempts: [{ addr: ws.addr, status: 101 }],
    });
  });

  test('a refused peer is skipped: the handshake is retried on the next one', async () => {
    const refused = `127.0.0.1:${await freePort()}`;
    const ws = await upgradeBackend();
    const proxy = await startProxy({ upstream: serverLines([refused, ws.addr], 'fail_timeout=30s') });
    const client = await RawClient.open(proxy.port);
    client.write(UPGRADE_REQUEST);
    await client.until((t) => t.includes('\r\n\r\n'));
    expect(client.text).toMatch(/^HTTP\/1\.1 101 /);
    client.write('hello');
    await client.until((t) => t.endsWith('hello'));
    expect(ws.connections()).toBe(1);
  });

  test('the client going away while the upstream connects: peer freed, recorded as 499', async () => {
    const ws = await upgradeBackend();
    const proxy = await startProxy({ upstream: serverLines([ws.addr]) });
    const records: RequestRecord[] = [];
    proxy.balancer.subscribe((batch) => records.push(...batch));
    // The connect to the upstream is held back 300 ms; the client leaves meanwhile.
    proxy.balancer.setPeerToxic('backend', ws.addr, { kind: 'latency', ms: 300, jitterMs: 0 });

    const client = await RawClient.open(proxy.port);
    client.write(UPGRADE_REQUEST);
    await sleep(50);
    client.destroy();
    await waitUntil(() => records.length === 1, 2000, 'the record');
    expect(records[0]).toMatchObject({ status: 499, attempts: [{ addr: ws.addr, status: 499 }] });
    await sleep(50);
    expect(proxy.balancer.snapshot()[0]!.peers[0]!.conns).toBe(0);
  });
});
