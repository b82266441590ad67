import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Balancer } from '../../core/balancer';
import { parseNginxConfig } from '../../core/nginx';
import { RawUpstream } from '../balancer/support/raw-upstream';
import { runCleanups } from '../balancer/support/proxy';
import { startNginx, type NginxInstance } from '../support/nginx';
import { nginxBinary, requires } from '../support/prerequisites';
import { freePort } from '../support/target';

/**
 * Every status the balancer generates itself, byte for byte against real nginx 1.22: status line,
 * headers in order and the error page. The one difference kept on purpose is the signature:
 * nginx says `nginx/1.22.1` in Server and on the page, ours `upstream-lab` (docs/differences.md).
 */

interface Case {
  name: string;
  location?: string;
  request: string;
}

const LONG = 'a'.repeat(9000);

const CASES: Case[] = [
  { name: '404 no location matches', request: 'GET /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '404 on HTTP/1.0', request: 'GET /nowhere HTTP/1.0\r\n\r\n' },
  { name: '404 to HEAD', request: 'HEAD /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '400 HTTP/1.1 without Host', request: 'GET /p HTTP/1.1\r\n\r\n' },
  { name: '400 two Host headers', request: 'GET /p HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n' },
  { name: '400 bad request line', request: 'GET /p HTTP/1.1 x\r\nHost: a\r\n\r\n' },
  { name: '400 big header (494)', request: `GET /p HTTP/1.1\r\nHost: a\r\nX-Big: ${LONG}\r\n\r\n` },
  { name: '405 TRACE', request: 'TRACE /p HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  {
    name: '413 body over client_max_body_size',
    request: 'POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000000\r\n\r\n',
  },
  { name: '414 request line too long', request: `GET /${LONG} HTTP/1.1\r\nHost: localhost\r\n\r\n` },
  {
    name: '501 unknown transfer coding',
    request: 'POST /p HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n',
  },
  { name: '505 HTTP/2.0', request: 'GET /p HTTP/2.0\r\nHost: localhost\r\n\r\n' },
  { name: '502 upstream refuses', request: 'GET /refused HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '502 upstream answers garbage headers', request: 'GET /bad HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '504 upstream silent', request: 'GET /silent HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '403 return 403', request: 'GET /r403 HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '500 return 500', request: 'GET /r500 HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '503 return 503', request: 'GET /r503 HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '444 closes without an answer', request: 'GET /r444 HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '200 return with text', request: 'GET /r200 HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  { name: '405 CONNECT', request: 'CONNECT /p HTTP/1.1\r\nHost: localhost\r\n\r\n' },
  {
    name: '400 too many header lines',
    request: `GET /p HTTP/1.1\r\nHost: localhost\r\n${'X-A: b\r\n'.repeat(1000)}\r\n`,
  },
  {
    name: 'pipelined: a 404 then a 405 on one connection',
    request: 'GET /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\nTRACE / HTTP/1.1\r\nHost: localhost\r\n\r\n',
  },
  { name: '502 to HEAD', request: 'HEAD /refused HTTP/1.1\r\nHost: localhost\r\n\r\n' },
];

function conf(port: number, refused: number, bad: string, silent: string): string {
  return `
events {}
http {
  upstream refused { server 127.0.0.1:${refused}; }
  upstream bad { server ${bad}; }
  upstream silent { server ${silent}; }
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
    client_max_body_size 1m;
    location = /p { proxy_pass http://bad; }
    location = /refused { proxy_pass http://refused; }
    location = /bad { proxy_pass http://bad; }
    location = /r403 { return 403; }
    location = /r500 { return 500; }
    location = /r503 { return 503; }
    location = /r444 { return 444; }
    location = /r200 { return 200 "hi"; }
    location = /silent { proxy_pass http://silent; proxy_read_timeout 300ms; }
  }
}
`;
}

/** Everything the proxy sends for `request` until it closes or goes quiet for 400 ms. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request, 'latin1'));
    let text = '';
    let quiet: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(quiet);
      socket.destroy();
      resolve(text);
    };
    const rearm = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(() => done(), 1000);
    };
    rearm();
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) {
        clearTimeout(quiet);
        quiet = setTimeout(() => done(), 400);
      }
    });
    socket.on('error', () => {});
    socket.on('close', done);
  });
}

/** The signature and the date are the only parts allowed to differ. */
function normalized(bytes: string): string {
  return bytes
    .replace(/^Date: .*$/gm, 'Date: (date)')
    .replace(/^Server: (nginx\/1\.22\.\d+|upstream-lab)$/gm, 'Server: (signature)')
    .replace(/<center>(nginx\/1\.22\.\d+|upstream-lab)<\/center>/g, '<center>(signature)</center>');
}

describe('error pages and reason phrases, against nginx 1.22', () => {
  if (!requires('nginx', nginxBinary() !== undefined, 'install it with `apt-get install nginx-light`'))
    return;
  let nginx: NginxInstance;
  let ours: Balancer;
  let oursPort = 0;
  beforeAll(async () => {
    const bad = await RawUpstream.start(() => 'HTTP/1.1 200 OK\r\nBad Header\r\n\r\n');
    const silent = await RawUpstream.start(() => null);
    const refused = await freePort();
    nginx = await startNginx(conf(await freePort(), refused, bad.addr, silent.addr));
    oursPort = await freePort();
    ours = new Balancer(parseNginxConfig(conf(oursPort, refused, bad.addr, silent.addr), 'e.conf').config);
    await ours.listen();
  });
  afterAll(async () => {
    await Promise.all([nginx?.stop(), ours?.close()]);
    await runCleanups();
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const [theirs, mine] = await Promise.all([
        exchange(nginx.port, c.request),
        exchange(oursPort, c.request),
      ]);
      // Only `return 444` closes without an answer.
      expect(theirs === '').toBe(c.name.startsWith('444'));
      expect(normalized(mine)).toBe(normalized(theirs));
    });
  }
});
