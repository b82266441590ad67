import { afterEach, describe, expect, test } from 'vitest';
import { RawEchoBackend } from './support/backend';
import { defer, RawClient, runCleanups, serverLines, startProxy } from './support/proxy';

/** The request head the upstream receives (spec §8, T15), checked byte for byte on a raw echo backend. */

afterEach(runCleanups);

const SEED_HEADERS = `
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $server_name;`;

async function echoBackend(): Promise<RawEchoBackend> {
  const backend = await RawEchoBackend.start();
  defer(() => backend.close());
  return backend;
}

/** Sends raw bytes on a fresh connection; returns what the upstream received (the echoed body). */
async function upstreamSaw(port: number, raw: string, backend: RawEchoBackend): Promise<string> {
  const client = await RawClient.open(port);
  client.write(raw);
  const final = (text: string): string => text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
  await client.until((all) => {
    const text = final(all);
    const headEnd = text.indexOf('\r\n\r\n');
    if (headEnd === -1) return false;
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, headEnd))?.[1] ?? -1);
    return length >= 0 && text.length >= headEnd + 4 + length;
  });
  const text = final(client.text);
  expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  expect(body).toBe(backend.received.at(-1)?.toString('latin1'));
  return body;
}

const lines = (...l: string[]): string => `${l.join('\r\n')}\r\n\r\n`;

describe('headers sent to the upstream', () => {
  test("the seed's five proxy_set_header lines give exactly nginx's head", async () => {
    const echo = await echoBackend();
    const proxy = await startProxy({ upstream: serverLines([echo.addr]), location: SEED_HEADERS });
    const request = lines(
      'GET /p/../q?x=1&y=%41 HTTP/1.1',
      'Host: Example.COM:8080',
      'User-Agent: t',
      'X-Forwarded-For: 10.0.0.1',
      'X-Forwarded-For: 10.0.0.2',
      'Connection: keep-alive',
      'Keep-Alive: timeout=5',
      'TE: trailers',
      'Upgrade: websocket',
      'X-Real-IP: 1.2.3.4',
      'Accept: */*',
    );
    expect(await upstreamSaw(proxy.port, request, echo)).toBe(
      lines(
        'GET /p/../q?x=1&y=%41 HTTP/1.0',
        'Host: example.com',
        'X-Real-IP: 127.0.0.1',
        'X-Forwarded-For: 10.0.0.1, 10.0.0.2, 127.0.0.1',
        'X-Forwarded-Proto: http',
        'X-Forwarded-Host: localhost',
        'Connection: close',
        'User-Agent: t',
        'Accept: */*',
      ),
    );
  });

  test('POST with Content-Length and Expect: Content-Length follows Connection, Expect is dropped', async () => {
    const echo = await echoBackend();
    const proxy = await startProxy({ upstream: serverLines([echo.addr]), location: SEED_HEADERS });
    const request =
      lines(
        'POST /form HTTP/1.1',
        'Host: localhost',
        'User-Agent: t',
        'Content-Length: 5',
        'Connection: close',
        'Expect: 100-continue',
        'Content-Type: text/plain',
      ) + 'hello';
    const saw = await upstreamSaw(proxy.port, request, echo);
    expect(saw).toBe(
      lines(
        'POST /form HTTP/1.0',
        'Host: localhost',
        'X-Real-IP: 127.0.0.1',
        'X-Forwarded-For: 127.0.0.1',
        'X-Forwarded-Proto: http',
        'X-Forwarded-Host: localhost',
        'Connection: close',
        'Content-Length: 5',
        'User-Agent: t',
        'Content-Type: text/plain',
      ) + 'hello',
    );
  });

  test('a chunked POST is sent with Content-Length, no Transfer-Encoding', async () => {
    const echo = await echoBackend();
    const proxy = await startProxy({ upstream: serverLines([echo.addr]), location: SEED_HEADERS });
    const request =
      lines(
        'POST / HTTP/1.1',
        'Host: localhost',
        'User-Agent: t',
        'Transfer-Encoding: chunked',
        'Connection: close',
      ) + '3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n';
    expect(await upstreamSaw(proxy.port, request, echo)).toBe(
      lines(
        'POST / HTTP/1.0',
        'Host: localhost',
        'X-Real-IP: 127.0.0.1',
        'X-Forwarded-For: 127.0.0.1',
        'X-Forwarded-Proto: http',
        'X-Forwarded-Host: localhost',
        'Connection: close',
        'Content-Length: 5',
        'User-Agent: t',
      ) + 'hello',
    );
  });

  test('HTTP/1.0 without Host gets the first server_name', async () => {
    const echo = await echoBackend();
    const proxy = await startProxy({
      upstream: serverLines([echo.addr]),
      location: SEED_HEADERS,
      server: 'server_name second.example;',
    });
    expect(await upstreamSaw(proxy.port, lines('GET / HTTP/1.0'), echo)).toBe(
      lines(
        'GET / HTTP/1.0',
        'Host: localhost',
        'X-Real-IP: 127.0.0.1',
        'X-Forwarded-For: 127.0.0.1',
        'X-Forwarded-Proto: http',
        'X-Forwarded-Host: localhost',
        'Connection: close',
      ),
    );
  });

  test('no proxy_set_header: Host is the upstream name, the client XFF is copied', async () => {
    const echo = await echoBackend();
    const proxy = await startProxy({ upstream: serverLines([echo.addr]) });
    const request = lines(
      'GET /a%20b?q HTTP/1.1',
      'Host: Example.COM',
      'User-Agent: t',
      'X-Forwarded-For: 10.0.0.1',
      'Connection: close',
    );
    expect(await upstreamSaw(proxy.port, request, echo)).toBe(
      lines(
        'GET /a%20b?q HTTP/1.0',
        'Host: backend',
        'Connection: close',
        'User-Agent: t',
        'X-Forwarded-For: 10.0.0.1',
      ),
    );
  });

  test('an empty proxy_set_header value drops the header entirely', async () => {
    const echo = await echoBackend();
    const proxy = await startProxy({
      upstream: serverLines([echo.addr]),
      location: 'proxy_set_header Host $http_x_missing; proxy_set_header User-Agent "";',
    });
    const request = lines(
      'GET / HTTP/1.1',
      'Host: localhost',
      'User-Agent: t',
      'Accept: */*',
      'Connection: close',
    );
    expect(await upstreamSaw(proxy.port, request, echo)).toBe(
      lines('GET / HTTP/1.0', 'Connection: close', 'Accept: */*'),
    );
  });
});
