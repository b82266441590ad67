import { afterEach, describe, expect, test } from 'vitest';
import { RawClient, runCleanups, startProxy } from '../balancer/support/proxy';

/** Many pipelined requests in one packet: each answered in order, none nested in the one before. */

afterEach(runCleanups);

const answers = (text: string): number => text.split('HTTP/1.1 200 OK\r\n').length - 1;

async function pipeline(server: string, count: number): Promise<RawClient> {
  const proxy = await startProxy({ upstream: 'server 127.0.0.1:9;', server });
  const client = await RawClient.open(proxy.port);
  client.write('GET /r HTTP/1.1\r\nHost: a\r\n\r\n'.repeat(count));
  return client;
}

describe('pipelined requests', () => {
  test('10,000 in one write are all answered, in order, on one connection', async () => {
    const client = await pipeline('keepalive_requests 20000;\nlocation = /r { return 200 "ok"; }', 10_000);
    const text = await client.until((t) => answers(t) === 10_000, 20_000);
    expect(answers(text)).toBe(10_000);
    expect(client.closed).toBe(false);
  });

  test('keepalive_requests (1000 by default) ends the connection after the 1000th, as nginx does', async () => {
    const client = await pipeline('location = /r { return 200 "ok"; }', 1_500);
    const text = await client.untilClosed(20_000);
    expect(answers(text)).toBe(1_000);
    expect(text.endsWith('Connection: close\r\n\r\nok')).toBe(true);
  });
});
