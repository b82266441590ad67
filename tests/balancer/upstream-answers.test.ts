import { afterEach, describe, expect, test } from 'vitest';
import { RawClient, runCleanups, send, serverLines, startProxy } from './support/proxy';
import { RawUpstream, response } from './support/raw-upstream';

/** Upstream answers the balancer must pass on, or refuse, without ever throwing (issue 10). */

afterEach(runCleanups);

const GET = 'GET /a HTTP/1.1\r\nHost: localhost\r\n\r\n';

describe('reason phrases', () => {
  test('a control character in the reason: the standard phrase is sent, the balancer lives on', async () => {
    const upstream = await RawUpstream.start(() => 'HTTP/1.1 200 O\x01K\r\nContent-Length: 2\r\n\r\nok');
    const proxy = await startProxy({ upstream: serverLines([upstream.addr]) });
    const client = await RawClient.open(proxy.port);
    client.write(GET);
    const text = await client.until((t) => t.endsWith('\r\n\r\nok'));
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const again = await send(proxy.url('/b'));
    expect(again.status).toBe(200);
  });

  test('a control character in an upstream header value passes through, as nginx 1.22 passes it', async () => {
    const upstream = await RawUpstream.start(
      () => 'HTTP/1.1 200 Fine\r\nX-Bad: a\x01b\r\nContent-Length: 2\r\n\r\nok',
    );
    const proxy = await startProxy({ upstream: serverLines([upstream.addr]) });
    const client = await RawClient.open(proxy.port);
    client.write(GET);
    const text = await client.until((t) => t.endsWith('\r\n\r\nok'));
    // nginx: "HTTP/1.1 200 Fine", Server, Date, Content-Length, Connection, then "X-Bad: a\x01b".
    expect(text).toMatch(
      /^HTTP\/1\.1 200 Fine\r\nServer: upstream-lab\r\nDate: [^\r]+\r\nContent-Length: 2\r\n/,
    );
    expect(text).toContain('\r\nX-Bad: a\x01b\r\n');
  });

  test('a bad reason on a retried attempt does not leak into the answer of the next one', async () => {
    const bad = await RawUpstream.start(
      () => 'HTTP/1.1 502 Ba\x7fd\r\nX-Bad: \x01\r\nContent-Length: 0\r\n\r\n',
    );
    const good = await RawUpstream.start(() => 'HTTP/1.1 201\r\nContent-Length: 2\r\n\r\nok');
    const proxy = await startProxy({
      upstream: serverLines([bad.addr, good.addr]),
      location: 'proxy_next_upstream error timeout invalid_header;',
    });
    for (let i = 0; i < 4; i++) {
      const client = await RawClient.open(proxy.port);
      client.write(GET);
      const text = await client.until(
        (t) => t.includes('\r\n\r\n') && (t.endsWith('ok') || t.startsWith('HTTP/1.1 502')),
      );
      expect(text).toMatch(/^HTTP\/1\.1 (201 Created|502 Bad Gateway)\r\n/);
    }
  });
});

describe('keep-alive: bytes past the end of a response', () => {
  const KEEPALIVE = { location: 'proxy_http_version 1.1; proxy_set_header Connection "";' };

  /** Answers the first request with `first` (in one write), every later one with "good". */
  async function upstreamSending(first: string): Promise<RawUpstream> {
    return RawUpstream.start((request) =>
      request.connection === 1 && request.onConnection === 1 ? first : response('good'),
    );
  }

  test.each([
    ['a body longer than its Content-Length', response('ok') + response('EVIL')],
    [
      'a chunked body followed by more',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nEVIL',
    ],
    ['a 204 with a body', 'HTTP/1.1 204 No Content\r\n\r\nEVIL'],
  ])('%s: the connection is closed, not pooled; the next client gets its own answer', async (_, first) => {
    const upstream = await upstreamSending(first);
    const proxy = await startProxy({
      upstream: `${serverLines([upstream.addr])}\n    keepalive 4;`,
      ...KEEPALIVE,
    });
    const one = await send(proxy.url('/one'));
    expect(one.body).not.toContain('EVIL');
    const two = await send(proxy.url('/two'));
    expect(two.status).toBe(200);
    expect(two.body).toBe('good');
    // The second request went on a fresh connection.
    expect(upstream.requests.map((r) => [r.connection, r.onConnection])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    // A clean response is pooled as before.
    await send(proxy.url('/three'));
    expect(upstream.requests.at(-1)).toMatchObject({ connection: 2, onConnection: 2 });
  });

  test('a HEAD answered with a body: not pooled either', async () => {
    const upstream = await upstreamSending(response('EVIL'));
    const proxy = await startProxy({
      upstream: `${serverLines([upstream.addr])}\n    keepalive 4;`,
      ...KEEPALIVE,
    });
    const head = await send(proxy.url('/h'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    const two = await send(proxy.url('/two'));
    expect(two.body).toBe('good');
    expect(upstream.connections).toBe(2);
  });
});
