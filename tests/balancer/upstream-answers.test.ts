import { afterEach, describe, expect, test } from 'vitest';
import type { RequestRecord } from '../../core/balancer';
import { RawClient, runCleanups, send, serverLines, startProxy, waitUntil } from './support/proxy';
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

  test('a 502 after an answer Node refuses says "Bad Gateway", not the upstream reason', async () => {
    const upstream = await RawUpstream.start(
      () => 'HTTP/1.1 200 Fine\r\nX-Bad: a\x01b\r\nContent-Length: 2\r\n\r\nok',
    );
    const proxy = await startProxy({ upstream: serverLines([upstream.addr]) });
    const records: RequestRecord[] = [];
    proxy.balancer.subscribe((batch) => records.push(...batch));
    const client = await RawClient.open(proxy.port);
    client.write(GET);
    const text = await client.until((t) => t.includes('</html>'));
    expect(text).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    await waitUntil(() => records.length === 1, 2000, 'the record');
    expect(records[0]).toMatchObject({ status: 502 });
  });

  test('a bad reason on a retried attempt does not leak into the answer of the next one', async () => {
    const bad = await RawUpstream.start(() => 'HTTP/1.1 502 Ba\x7fd\r\nX-Bad: \x01\r\nContent-Length: 0\r\n\r\n');
    const good = await RawUpstream.start(() => 'HTTP/1.1 201\r\nContent-Length: 2\r\n\r\nok');
    const proxy = await startProxy({
      upstream: serverLines([bad.addr, good.addr]),
      location: 'proxy_next_upstream error timeout invalid_header;',
    });
    for (let i = 0; i < 4; i++) {
      const client = await RawClient.open(proxy.port);
      client.write(GET);
      const text = await client.until((t) => t.includes('\r\n\r\n') && (t.endsWith('ok') || t.endsWith('</html>\r\n')));
      expect(text).toMatch(/^HTTP\/1\.1 (201 Created|502 Bad Gateway)\r\n/);
    }
  });
});
