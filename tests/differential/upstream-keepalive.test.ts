import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { Balancer } from '../../core/balancer';
import { parseNginxConfig } from '../../core/nginx';
import { defer, runCleanups } from '../balancer/support/proxy';
import { RawUpstream, response } from '../balancer/support/raw-upstream';
import { startNginx } from '../support/nginx';
import { nginxBinary, requires } from '../support/prerequisites';
import { freePort } from '../support/target';

/**
 * The upstream keep-alive cache against real nginx 1.22: which upstream connection each request
 * arrives on, for the same config and the same requests. The upstream keeps every connection open
 * unless the request says `Connection: close`, as HTTP/1.1 servers do (or, `ignoresClose`, even
 * then: nginx caches on what the response says, not on what it sent).
 */

afterEach(runCleanups);

interface Case {
  name: string;
  upstream?: string;
  location: string;
  /** Per request: extra client header lines, and the pause before it (ms). */
  requests: Array<{ headers?: string; pauseMs?: number }>;
  expected: number[];
  ignoresClose?: boolean;
  /** The upstream's answer instead of an HTTP/1.1 200. */
  answer?: string;
}

const times = (n: number, request: { headers?: string; pauseMs?: number } = {}): Case['requests'] =>
  Array.from({ length: n }, () => request);

const HTTP11 = 'proxy_http_version 1.1;';

const CASES: Case[] = [
  {
    name: 'a Connection expression empty at request time enables reuse',
    location: `${HTTP11} proxy_set_header Connection $http_x_upstream_connection;`,
    requests: times(4),
    expected: [1, 1, 1, 1],
  },
  {
    name: 'the same expression with a value sends it and the connection closes',
    location: `${HTTP11} proxy_set_header Connection $http_x_upstream_connection;`,
    requests: times(3, { headers: 'X-Upstream-Connection: close\r\n' }),
    expected: [1, 2, 3],
  },
  {
    name: 'the literal "" as before',
    location: `${HTTP11} proxy_set_header Connection "";`,
    requests: times(3),
    expected: [1, 1, 1],
  },
  {
    name: 'no proxy_set_header Connection: Connection: close, no reuse',
    location: HTTP11,
    requests: times(3),
    expected: [1, 2, 3],
  },
  {
    name: 'keepalive_requests 2: two requests per connection',
    upstream: 'keepalive_requests 2;',
    location: `${HTTP11} proxy_set_header Connection "";`,
    requests: times(5),
    expected: [1, 1, 2, 2, 3],
  },
  {
    name: 'keepalive_timeout 300ms: an idle connection is closed',
    upstream: 'keepalive_timeout 300ms;',
    location: `${HTTP11} proxy_set_header Connection "";`,
    requests: [{}, { pauseMs: 100 }, { pauseMs: 700 }, { pauseMs: 100 }],
    expected: [1, 1, 2, 2],
  },
  {
    name: 'keepalive_time 500ms: not cached again once that old',
    upstream: 'keepalive_time 500ms;',
    location: `${HTTP11} proxy_set_header Connection "";`,
    requests: [{}, { pauseMs: 300 }, { pauseMs: 300 }, {}, {}],
    expected: [1, 1, 1, 2, 2],
  },
  {
    name: 'an upstream that ignores Connection: close is cached anyway',
    location: '',
    ignoresClose: true,
    requests: times(3),
    expected: [1, 1, 1],
  },
  {
    name: 'the same over HTTP/1.1 with Connection: keep-alive sent',
    location: `${HTTP11} proxy_set_header Connection keep-alive;`,
    ignoresClose: true,
    requests: times(3),
    expected: [1, 1, 1],
  },
  {
    name: 'an HTTP/1.0 response is never cached',
    location: `${HTTP11} proxy_set_header Connection "";`,
    ignoresClose: true,
    answer: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok',
    requests: times(3),
    expected: [1, 2, 3],
  },
  {
    name: 'an HTTP/1.0 response with Connection: keep-alive is not cached either',
    location: `${HTTP11} proxy_set_header Connection "";`,
    ignoresClose: true,
    answer: 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok',
    requests: times(3),
    expected: [1, 2, 3],
  },
  {
    name: 'a response with Connection: close is not cached',
    location: `${HTTP11} proxy_set_header Connection "";`,
    ignoresClose: true,
    answer: response('ok', '200 OK', 'Connection: close\r\n'),
    requests: times(3),
    expected: [1, 2, 3],
  },
];

function conf(port: number, upstream: string, c: Case): string {
  return `
events {}
http {
  upstream backend { server ${upstream}; keepalive 4; ${c.upstream ?? ''} }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://backend; ${c.location} }
  }
}
`;
}

function get(port: number, headers: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () =>
      socket.write(`GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${headers}\r\n`),
    );
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });
}

/** The upstream connection number each request arrived on. */
async function connectionsSeen(c: Case, start: (upstream: string) => Promise<number>): Promise<number[]> {
  const upstream = await RawUpstream.start((request, socket) => {
    const closing = !c.ignoresClose && /^connection:\s*close/im.test(request.head);
    if (closing) setImmediate(() => socket.end());
    return c.answer ?? response('ok');
  });
  const port = await start(upstream.addr);
  for (const request of c.requests) {
    if (request.pauseMs) await new Promise((resolve) => setTimeout(resolve, request.pauseMs));
    expect(await get(port, request.headers ?? '')).toBe('HTTP/1.1 200 OK');
  }
  return upstream.requests.map((r) => r.connection);
}

describe('upstream keep-alive, against nginx 1.22', () => {
  if (!requires('nginx', nginxBinary() !== undefined, 'install it with `apt-get install nginx-light`'))
    return;
  for (const c of CASES) {
    test(c.name, async () => {
      const [theirs, ours] = await Promise.all([
        connectionsSeen(c, async (upstream) => {
          const port = await freePort();
          const nginx = await startNginx(conf(port, upstream, c));
          defer(() => nginx.stop());
          return port;
        }),
        connectionsSeen(c, async (upstream) => {
          const port = await freePort();
          const balancer = new Balancer(parseNginxConfig(conf(port, upstream, c), 'keepalive.conf').config);
          await balancer.listen();
          defer(() => balancer.close(100));
          return port;
        }),
      ]);
      expect(theirs).toEqual(c.expected);
      expect(ours).toEqual(theirs);
    });
  }
});
