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
 * `return` with variables, redirects made absolute, and `add_header` on returned and proxied
 * responses (which statuses, `always`, inheritance), on real nginx 1.22 and on ours.
 */

afterEach(runCleanups);

const VARS =
  '$host $request_method $arg_x [$cookie_c] [$http_user_agent] $request_length ' +
  '[$upstream_cache_status] [$sent_http_content_type] [$upstream_addr] $server_port $uri [$args] [$is_args] $1';

const UP_VARS =
  '$upstream_addr $upstream_status [$upstream_response_time] $upstream_bytes_received ' +
  '[$upstream_http_x_b] [$upstream_cache_status] [$sent_http_x_b]';

function conf(port: number, backend: string): string {
  return `
events {}
http {
  add_header X-Http h;
  upstream backend { server ${backend}; }
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
    add_header X-Srv "s $host";
    location = /vars { return 200 "${VARS}"; }
    location = /r301 { return 301 /dest?h=$host; }
    location = /r302 { return 302 http://$host:9/x; }
    location = /url { return http://$host/u$is_args$args; }
    location = /rel { return 301 "rel/$arg_a"; }
    location = /r307 { return 307; }
    location = /t404 { return 404 "nf $uri"; }
    location = /e404 { return 404; }
    location = /a404 { add_header X-A a; add_header X-B "b $host" always; return 404; }
    location = /a200 { add_header X-A a; add_header X-B b always; add_header X-E ""; return 200 ok; }
    location = /s204 { return 204; }
    location = /s500 { return 500 "x $request_method"; }
    location = /n200 { return 200; }
    location = /inh { return 200 inh; }
    location = /sent { add_header X-First one; add_header X-T "[$sent_http_x_first] [$sent_http_content_type]"; return 200 s; }
    location /up {
      proxy_pass http://backend;
      add_header X-Up "${UP_VARS}" always;
      add_header X-Ok yes;
    }
  }
}
`;
}

const head = (target: string, method = 'GET'): string =>
  `${method} ${target} HTTP/1.0\r\nHost: Ex.COM:77\r\nCookie: a=1; C=2\r\nUser-Agent: ua\r\n\r\n`;

const REQUESTS = [
  head('/vars?x=1&X=2&y'),
  head('/vars'),
  head('/vars?'),
  head('/r301'),
  head('/r302'),
  head('/url?q=1'),
  head('/rel?a=b'),
  head('/r307'),
  head('/t404'),
  head('/e404'),
  head('/a404'),
  head('/a200'),
  head('/s204'),
  head('/s500', 'POST'),
  head('/n200'),
  head('/inh'),
  head('/inh', 'HEAD'),
  head('/sent'),
  'GET /vars HTTP/1.0\r\n\r\n',
  head('/up/ok'),
  head('/up/missing'),
  head('/up/teapot'),
];

function answer(target: string): string {
  const status = target.includes('missing')
    ? '404 Not Found'
    : target.includes('teapot')
      ? '418 Teapot'
      : '200 OK';
  return `HTTP/1.1 ${status}\r\nX-B: from-up\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`;
}

async function run(port: number): Promise<ComparableResponse[]> {
  const results: ComparableResponse[] = [];
  for (const request of REQUESTS) results.push(comparable(await exchangeRaw(port, request)));
  return results;
}

describe('return and add_header, against nginx 1.22', () => {
  if (!requires('nginx', nginxBinary() !== undefined, 'install it with `apt-get install nginx-light`'))
    return;

  test('every response has nginx status, headers and body', async () => {
    const upstream = await RawUpstream.start((request) => answer(request.head.split(' ')[1] ?? ''));
    const nginxPort = await freePort();
    const nginx = await startNginx(conf(nginxPort, upstream.addr));
    let theirs: ComparableResponse[];
    try {
      theirs = await run(nginxPort);
    } finally {
      await nginx.stop();
    }
    const ourPort = await freePort();
    const balancer = new Balancer(parseNginxConfig(conf(ourPort, upstream.addr), 'return.conf').config);
    await balancer.listen();
    let ours: ComparableResponse[];
    try {
      ours = await run(ourPort);
    } finally {
      await balancer.close(100);
    }
    const portless = (list: ComparableResponse[]): unknown[] =>
      list.map((r, i) => ({
        request: REQUESTS[i]!.split('\r\n')[0],
        ...JSON.parse(JSON.stringify(r).replaceAll(String(list === theirs ? nginxPort : ourPort), 'PORT')),
      }));
    expect(portless(ours)).toEqual(portless(theirs));
    expect(theirs[0]!.body).toBe(
      'ex.com GET 1 [2] [ua] 83 [] [] [] PORT /vars [x=1&X=2&y] [?] '.replace('PORT', String(nginxPort)),
    );
  });
});

const TIMES =
  '$connection|$upstream_addr|$upstream_connect_time|$upstream_header_time|$upstream_response_time|$upstream_bytes_received';

function timesConf(port: number, dead: string, backend: string): string {
  return `
events {}
http {
  upstream two { server ${dead}; server ${backend}; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://two; add_header X-Times "${TIMES}" always; }
    location = /local { return 200 "$connection"; }
  }
}
`;
}

/** Times as `T` (their digits vary); `$connection` as the step from the previous response's. */
async function times(port: number, dead: string, backend: string): Promise<string[]> {
  const out: string[] = [];
  let previous: number | undefined;
  for (const target of ['/a', '/b', '/local', '/c', '/local']) {
    const response = comparable(await exchangeRaw(port, `GET ${target} HTTP/1.0\r\n\r\n`));
    const value =
      response.headers.find((line) => line.startsWith('X-Times: '))?.slice('X-Times: '.length) ??
      response.body;
    const [connection = '', ...rest] = value.split('|');
    const step = previous === undefined ? 0 : Number(connection) - previous;
    previous = Number(connection);
    out.push(
      [`+${step}`, ...rest]
        .join('|')
        .replaceAll(dead, 'DEAD')
        .replaceAll(backend, 'UP')
        .replace(/\d+\.\d{3}/g, 'T'),
    );
  }
  return out;
}

describe('upstream timing variables and $connection, against nginx 1.22', () => {
  if (!requires('nginx', nginxBinary() !== undefined, 'install it with `apt-get install nginx-light`'))
    return;

  test('times per attempt, "-" where nginx has none yet, connections counted as nginx counts them', async () => {
    const upstream = await RawUpstream.start(() => answer('/'));
    const dead = `127.0.0.1:${await freePort()}`;
    const nginxPort = await freePort();
    const nginx = await startNginx(timesConf(nginxPort, dead, upstream.addr));
    let theirs: string[];
    try {
      theirs = await times(nginxPort, dead, upstream.addr);
    } finally {
      await nginx.stop();
    }
    const ourPort = await freePort();
    const config = parseNginxConfig(timesConf(ourPort, dead, upstream.addr), 'times.conf').config;
    const balancer = new Balancer(config);
    await balancer.listen();
    try {
      expect(await times(ourPort, dead, upstream.addr)).toEqual(theirs);
    } finally {
      await balancer.close(100);
    }
    expect(theirs[0]).toBe('+0|DEAD, UP|-, T|-, T|T, -|0, 73');
  });
});
