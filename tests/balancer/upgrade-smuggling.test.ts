import { createServer } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { RequestRecord } from '../../core/balancer';
import { defer, RawClient, runCleanups, serverLines, startProxy, waitUntil } from './support/proxy';
import { RawUpstream, response } from './support/raw-upstream';

/**
 * Upgrade as nginx does it (issue 10): only the upstream's 101 opens a tunnel. Any other answer is
 * an ordinary response, and what the client sends next on that connection is an ordinary request:
 * routed, rewritten (proxy_set_header), balanced and logged.
 */

afterEach(runCleanups);

const UPGRADE = (extra = ''): string =>
  'GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;
const SMUGGLED = 'GET /admin HTTP/1.1\r\nHost: localhost\r\nX-Real-IP: 6.6.6.6\r\n\r\n';
const REWRITE = 'proxy_set_header X-Real-IP $remote_addr;';

function recordsOf(proxy: Awaited<ReturnType<typeof startProxy>>): RequestRecord[] {
  const records: RequestRecord[] = [];
  proxy.balancer.subscribe((batch) => records.push(...batch));
  return records;
}

const responses = (text: string): number => text.split('HTTP/1.1 ').length - 1;

describe('an Upgrade answered with 200 opens no tunnel', () => {
  test.each([
    ['pipelined in the same packet', true],
    ['sent after the 200', false],
  ])('the next request on the connection (%s) is balanced, rewritten and logged', async (_, pipelined) => {
    const a = await RawUpstream.start((r) => response(`A${r.onConnection}`));
    const b = await RawUpstream.start((r) => response(`B${r.onConnection}`));
    const proxy = await startProxy({ upstream: serverLines([a.addr, b.addr]), location: REWRITE });
    const records = recordsOf(proxy);
    const client = await RawClient.open(proxy.port);
    if (pipelined) client.write(UPGRADE() + SMUGGLED);
    else {
      client.write(UPGRADE());
      await client.until((t) => t.endsWith('A1'));
      client.write(SMUGGLED);
    }
    await client.until((t) => responses(t) === 2 && t.endsWith('B1'));
    expect(client.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    // Balanced: the second request went to the other peer, on its own upstream connection.
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
    const smuggled = b.requests[0]!.head;
    expect(smuggled).toMatch(/^GET \/admin HTTP\/1\.0\r\n/);
    expect(smuggled).toContain('\r\nX-Real-IP: 127.0.0.1\r\n');
    expect(smuggled).not.toContain('6.6.6.6');
    await waitUntil(() => records.length === 2, 2000, 'two records');
    expect(records.map((r) => [r.uri, r.status])).toEqual([
      ['/ws', 200],
      ['/admin', 200],
    ]);
  });

  test('a location rule applies to the request after a refused Upgrade', async () => {
    const a = await RawUpstream.start(() => response('django'));
    const proxy = await startProxy({
      upstream: serverLines([a.addr]),
      server: '    location = /admin { return 403; }',
    });
    const client = await RawClient.open(proxy.port);
    client.write(UPGRADE() + SMUGGLED);
    await client.until((t) => responses(t) === 2);
    expect(client.text).toMatch(/HTTP\/1\.1 403 Forbidden\r\n/);
    expect(a.requests).toHaveLength(1);
  });

  test("the handshake's Content-Length body is sent as its body, not as a second request", async () => {
    const a = await RawUpstream.start(() => response('no'));
    const proxy = await startProxy({ upstream: serverLines([a.addr]) });
    const client = await RawClient.open(proxy.port);
    const body = 'GET /hidden HTTP/1.1\r\nHost: x\r\n\r\n';
    client.write(UPGRADE(`Content-Length: ${body.length}\r\n`) + body);
    await client.until((t) => t.endsWith('no'));
    await waitUntil(() => a.received[0]?.endsWith(body) === true, 2000, 'the body upstream');
    const head = a.requests[0]!.head;
    expect(head).toContain(`\r\nContent-Length: ${body.length}\r\n`);
    // RawUpstream takes every head it reads for a request: the body was never answered as one.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.text.split('HTTP/1.1 ').length - 1).toBe(1);
  });

  test('Upgrade and Connection are sent upstream once, even with the usual proxy_set_header lines', async () => {
    const a = await RawUpstream.start(
      () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    const proxy = await startProxy({
      upstream: serverLines([a.addr]),
      location:
        'proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";',
    });
    const client = await RawClient.open(proxy.port);
    client.write(UPGRADE());
    await client.until((t) => t.includes('\r\n\r\n'));
    const head = a.requests[0]!.head;
    expect(head.match(/\r\nupgrade:/gi)).toHaveLength(1);
    expect(head.match(/\r\nconnection:/gi)).toHaveLength(1);
  });
});

describe('handshake and tunnel timeouts', () => {
  test('an upstream that never answers the handshake: 504 after proxy_read_timeout', async () => {
    const a = await RawUpstream.start(() => null);
    const proxy = await startProxy({
      upstream: serverLines([a.addr]),
      location: 'proxy_read_timeout 300ms;',
    });
    const records = recordsOf(proxy);
    const client = await RawClient.open(proxy.port);
    const started = Date.now();
    client.write(UPGRADE());
    await client.until((t) => t.includes('</html>'), 3000);
    expect(client.text).toMatch(/^HTTP\/1\.1 504 Gateway Time-out\r\n/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await waitUntil(() => records.length === 1, 2000, 'the record');
    expect(records[0]).toMatchObject({ status: 504, attempts: [{ status: 504 }] });
  });

  test('an idle tunnel is closed after proxy_read_timeout; the record says 101', async () => {
    const a = await RawUpstream.start(
      () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    const proxy = await startProxy({
      upstream: serverLines([a.addr]),
      location: 'proxy_read_timeout 300ms;',
    });
    const records = recordsOf(proxy);
    const client = await RawClient.open(proxy.port);
    client.write(UPGRADE());
    await client.until((t) => t.includes('\r\n\r\n'));
    expect(client.text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    await client.untilClosed(3000);
    await waitUntil(() => records.length === 1, 2000, 'the record');
    expect(records[0]).toMatchObject({ status: 101 });
    expect(proxy.balancer.snapshot()[0]!.peers[0]!.conns).toBe(0);
  });
});

describe('WebSocket', () => {
  test('a ws round trip through the balancer', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${String(data)}`)));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    defer(
      () =>
        new Promise<void>((resolve) => {
          wss.close();
          http.close(() => resolve());
        }),
    );
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const proxy = await startProxy({ upstream: serverLines([`127.0.0.1:${port}`]) });
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/chat`);
    defer(() => ws.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const reply = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send('hello');
    expect(await reply).toBe('echo:hello');
  });
});
