import { afterEach, describe, expect, test } from 'vitest';
import { Balancer } from '../../core/balancer';
import { parseNginxConfig } from '../../core/nginx';
import { runCleanups } from '../balancer/support/proxy';
import { RawUpstream } from '../balancer/support/raw-upstream';
import { startNginx } from '../support/nginx';
import { nginxBinary, requires } from '../support/prerequisites';
import { freePort } from '../support/target';
import { comparable, exchangeRaw, type ComparableResponse } from './support/raw-exchange';

/**
 * error_page to a `return` location of the same server (status kept, `=CODE`, bare `=`), to a
 * URL, inherited from the server; proxy_intercept_errors; on real nginx 1.22 and on ours.
 */

afterEach(runCleanups);

function conf(port: number, dead: string, backend: string): string {
  return `
events {}
http {
  upstream dead { server ${dead}; }
  upstream backend { server ${backend}; }
  server {
    listen 127.0.0.1:${port};
    add_header X-S s;
    error_page 404 /oops?from=$uri;
    location = /oops { return 200 "oops $status $uri $request_method $request_uri [$arg_from] [$upstream_status]"; }
    location = /oops2 { add_header X-O o; return 201 "two"; }
    location = /oops3 { return 404; }
    location = /a { return 404; }
    location = /b { error_page 502 =200 /oops; proxy_pass http://dead; }
    location = /c { error_page 502 = /oops2; proxy_pass http://dead; }
    location = /d { error_page 502 http://x.test/down; proxy_pass http://dead; }
    location = /e { error_page 502 504 =301 http://x.test/$uri; proxy_pass http://dead; }
    location = /f { error_page 404 /oops3; return 404; }
    location = /g { error_page 502 /nowhere; proxy_pass http://dead; }
    location = /h { return 404 "text"; }
    location = /i { return 403; }
    location /up/ {
      proxy_pass http://backend;
      proxy_intercept_errors on;
      error_page 404 418 /oops;
    }
    location /plain/ {
      proxy_pass http://backend;
      error_page 404 /oops;
    }
  }
}
`;
}

const head = (target: string, method = 'GET'): string =>
  `${method} ${target} HTTP/1.0\r\nHost: localhost\r\n${method === 'POST' ? 'Content-Length: 2\r\n\r\nhi' : '\r\n'}`;

const REQUESTS = [
  head('/a'),
  head('/a', 'POST'),
  head('/a', 'HEAD'),
  head('/b'),
  head('/c'),
  head('/d'),
  head('/e'),
  head('/f'),
  head('/g'),
  head('/h'),
  head('/i'),
  head('/up/missing'),
  head('/up/teapot'),
  head('/up/server-error'),
  head('/up/ok'),
  head('/plain/missing'),
];

function answer(target: string): string {
  const status = target.includes('missing')
    ? '404 Not Found'
    : target.includes('teapot')
      ? '418 Teapot'
      : target.includes('error')
        ? '500 Internal Server Error'
        : '200 OK';
  return `HTTP/1.1 ${status}\r\nX-B: from-up\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`;
}

async function run(port: number, dead: string, backend: string): Promise<unknown[]> {
  const results: ComparableResponse[] = [];
  for (const request of REQUESTS) results.push(comparable(await exchangeRaw(port, request)));
  return results.map((r, i) => ({
    request: REQUESTS[i]!.split('\r\n')[0],
    ...(JSON.parse(
      JSON.stringify(r).replaceAll(dead, 'DEAD').replaceAll(backend, 'UP').replaceAll(String(port), 'PORT'),
    ) as object),
  }));
}

describe('error_page and proxy_intercept_errors, against nginx 1.22', () => {
  if (!requires('nginx', nginxBinary() !== undefined, 'install it with `apt-get install nginx-light`'))
    return;

  test('every response has nginx status, headers and body', async () => {
    const upstream = await RawUpstream.start((request) => answer(request.head.split(' ')[1] ?? ''));
    const dead = `127.0.0.1:${await freePort()}`;
    const nginxPort = await freePort();
    const nginx = await startNginx(conf(nginxPort, dead, upstream.addr));
    let theirs: unknown[];
    try {
      theirs = await run(nginxPort, dead, upstream.addr);
    } finally {
      await nginx.stop();
    }
    const ourPort = await freePort();
    const config = parseNginxConfig(conf(ourPort, dead, upstream.addr), 'error-page.conf').config;
    const balancer = new Balancer(config);
    await balancer.listen();
    try {
      const ours = await run(ourPort, dead, upstream.addr);
      expect(ours).toEqual(theirs);
    } finally {
      await balancer.close(100);
    }
  });
});
