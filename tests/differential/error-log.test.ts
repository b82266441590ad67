import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { BackendSet } from '../support/backends';
import { nginxBinary, requires } from '../support/prerequisites';
import { normalizeErrors, removeLogDirs, runBoth } from './logs-support';

const hasNginx = nginxBinary() !== undefined;

/** Reads the request, then closes without a byte of answer. */
async function closingServer(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: net.Server): number => (server.address() as net.AddressInfo).port;

describe.runIf(requires('nginx', hasNginx, 'install nginx-light'))("error_log in nginx 1.22's words", () => {
  let backends: BackendSet;
  let closing: net.Server;
  beforeAll(async () => {
    backends = await BackendSet.start({ A: 'refuse', B: 'refuse', C: 'hang', D: 'badheader' });
    closing = await closingServer();
  });
  afterAll(async () => {
    await backends.close();
    await new Promise((resolve) => closing.close(resolve));
  });
  afterEach(() => removeLogDirs());

  const conf = (): string => `
events {}
http {
  error_log {LOGS}/error.log error;
  upstream one { server ${backends.get('A').address}; }
  upstream two { server ${backends.get('A').address}; server ${backends.get('B').address}; }
  upstream hang { server ${backends.get('C').address}; }
  upstream bad { server ${backends.get('D').address}; }
  upstream closing { server 127.0.0.1:${portOf(closing)}; }
  server {
    listen 127.0.0.1:{PORT};
    server_name localhost;
    location /refused { proxy_pass http://one; }
    location /nolive { proxy_pass http://two; }
    location /timeout { proxy_read_timeout 300ms; proxy_pass http://hang; }
    location /bad { proxy_pass http://bad; }
    location /premature { proxy_pass http://closing; }
    location /quiet { error_log {LOGS}/quiet.log crit; proxy_pass http://one; }
  }
}`;

  const get = (target: string, headers: string[] = ['Host: x']): string =>
    [`GET ${target} HTTP/1.1`, ...headers, 'Connection: close', '', ''].join('\r\n');

  test('connect refused, no live upstreams, timeout, invalid header, premature close', async () => {
    const { nginx, ours } = await runBoth(conf(), [
      get('/refused?a=1', ['Host: x', 'Referer: http://r/']),
      get('/nolive'),
      get('/nolive'),
      get('/timeout'),
      get('/bad'),
      get('/premature'),
      get('/quiet'),
      'GET /refused HTTP/1.0\r\n\r\n',
    ]);
    const expected = normalizeErrors(await nginx.read('error.log'));
    expect(expected.length).toBeGreaterThan(5);
    expect(normalizeErrors(await ours.read('error.log'))).toEqual(expected);
    expect(await ours.read('quiet.log')).toBe(await nginx.read('quiet.log'));
  });
});
