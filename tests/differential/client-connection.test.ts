import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Balancer } from '../../core/balancer';
import { parseNginxConfig } from '../../core/nginx';
import { runCleanups } from '../balancer/support/proxy';
import { RawUpstream } from '../balancer/support/raw-upstream';
import { startNginx, type NginxInstance } from '../support/nginx';
import { nginxBinary, requires } from '../support/prerequisites';
import { freePort } from '../support/target';

/**
 * The client side of a connection, byte for byte against real nginx 1.22: how a proxied response
 * is framed for each client (Content-Length, chunked for HTTP/1.1, the close for HTTP/1.0), the
 * head's order, keep-alive decisions, pipelined requests, and bodies nobody reads. Only Date and
 * the signature may differ.
 */

/** Upstream answers by path (the upstream closes after each: `Connection: close` goes upstream). */
const ANSWERS: Record<string, string> = {
  '/length': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-A: 1\r\nContent-Length: 5\r\n\r\nhello',
  '/chunked':
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-B: 2\r\n\r\n5\r\nhello\r\n1\r\n!\r\n0\r\n\r\n',
  '/until-close': 'HTTP/1.0 200 OK\r\nX-C: 3\r\n\r\nhello until close',
  '/no-content': 'HTTP/1.1 204 No Content\r\nX-D: 4\r\n\r\n',
  '/not-modified': 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n',
  '/moved': 'HTTP/1.1 301 Moved\r\nLocation: http://example.com/\r\nContent-Length: 0\r\n\r\n',
  '/dated':
    'HTTP/1.1 200 OK\r\nLast-Modified: Tue, 01 Dec 2026 10:00:00 GMT\r\nServer: theirs\r\nDate: x\r\nContent-Length: 2\r\n\r\nok',
};

interface Case {
  name: string;
  request: string;
}

const get = (path: string, version = '1.1', extra = ''): string =>
  `GET ${path} HTTP/${version}\r\nHost: localhost\r\n${extra}\r\n`;

const CASES: Case[] = [
  { name: 'Content-Length to HTTP/1.1', request: get('/length') },
  { name: 'chunked upstream to HTTP/1.1: re-chunked', request: get('/chunked') },
  { name: 'chunked upstream to HTTP/1.0: until close', request: get('/chunked', '1.0') },
  { name: 'until-close upstream to HTTP/1.1: chunked', request: get('/until-close') },
  { name: 'until-close upstream to HTTP/1.0', request: get('/until-close', '1.0') },
  {
    name: 'HTTP/1.0 with keep-alive and a length',
    request: get('/length', '1.0', 'Connection: keep-alive\r\n'),
  },
  {
    name: 'HTTP/1.0 with keep-alive, no length',
    request: get('/until-close', '1.0', 'Connection: keep-alive\r\n'),
  },
  { name: 'Connection: close', request: get('/length', '1.1', 'Connection: close\r\n') },
  { name: 'Connection: Close, in another case', request: get('/length', '1.1', 'Connection: Close\r\n') },
  { name: 'HEAD of a chunked answer', request: `HEAD /chunked HTTP/1.1\r\nHost: localhost\r\n\r\n` },
  { name: '204', request: get('/no-content') },
  { name: '304', request: get('/not-modified') },
  { name: 'Location, Last-Modified, their Server and Date', request: get('/moved') + get('/dated') },
  {
    name: 'three pipelined requests in one packet',
    request: get('/length') + get('/chunked') + get('/length', '1.1', 'Connection: close\r\n'),
  },
  {
    name: 'a body sent to a return is read and dropped, then the next request',
    request:
      'POST /local HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world' + get('/length'),
  },
  {
    name: 'a chunked body sent to a return',
    request:
      'POST /local HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' +
      get('/length'),
  },
  { name: 'HTTP/1.2 is served as 1.x', request: get('/length', '1.2') },
  {
    name: 'Expect: 100-continue',
    request: `POST /local HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok`,
  },
];

function conf(port: number, upstream: string): string {
  return `
events {}
http {
  upstream up { server ${upstream}; }
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
    location / { proxy_pass http://up; }
    location = /local { return 200 "local\\n"; }
  }
}
`;
}

/** Sends `request`, collects everything until the connection closes or goes quiet. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request, 'latin1'));
    let text = '';
    let quiet: NodeJS.Timeout;
    const done = (): void => {
      clearTimeout(quiet);
      socket.destroy();
      resolve(text);
    };
    const rearm = (ms: number): void => {
      clearTimeout(quiet);
      quiet = setTimeout(done, ms);
    };
    rearm(1500);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      rearm(400);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      text += '(closed)';
      done();
    });
  });
}

const normalized = (bytes: string): string =>
  bytes
    .replace(/^Date: .*$/gm, 'Date: (date)')
    .replace(/^Server: (nginx\/1\.22\.\d+|upstream-lab)$/gm, 'Server: (signature)');

describe('the client connection, against nginx 1.22', () => {
  if (!requires('nginx', nginxBinary() !== undefined, 'install it with `apt-get install nginx-light`'))
    return;
  let nginx: NginxInstance;
  let ours: Balancer;
  let oursPort = 0;
  beforeAll(async () => {
    const upstream = await RawUpstream.start((request) => {
      const path = / (\S+) /.exec(request.head)?.[1] ?? '';
      return ANSWERS[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
    });
    // The upstream closes after each answer, as after Connection: close.
    const answer = upstream.answer;
    upstream.answer = (request, socket) => {
      const bytes = answer(request, socket);
      if (bytes !== null) setImmediate(() => socket.end());
      return bytes;
    };
    nginx = await startNginx(conf(await freePort(), upstream.addr));
    oursPort = await freePort();
    ours = new Balancer(parseNginxConfig(conf(oursPort, upstream.addr), 'c.conf').config);
    await ours.listen();
  });
  afterAll(async () => {
    await Promise.all([nginx?.stop(), ours?.close()]);
    await runCleanups();
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const theirs = await exchange(nginx.port, c.request);
      const mine = await exchange(oursPort, c.request);
      expect(theirs).not.toBe('');
      expect(normalized(mine)).toBe(normalized(theirs));
    });
  }
});
