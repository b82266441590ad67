import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RawUpstream, response } from '../balancer/support/raw-upstream';
import { sendRaw } from '../support/client';
import { TestDns } from '../support/dns-server';
import { startNginx } from '../support/nginx';
import { ours } from '../support/ours';
import { nginxBinary, requires } from '../support/prerequisites';
import { freePort } from '../support/target';
import { normalizeErrors } from './logs-support';

/**
 * proxy_pass with variables on real nginx 1.22 and on ours: the same conf and requests, the same
 * request line and Host upstream, the same answer to the client and the same error-log lines.
 */

interface Outcome {
  status: number | null;
  /** `$upstream_addr`, where the conf adds it. */
  addr: string;
  /** `$proxy_host $proxy_port` as the upstream received them, where the conf sends them. */
  proxyVars: string;
  body: string;
  /** Which upstream got it, its request line and Host header; null: none did. */
  upstream: string | null;
}

const get = (target: string, ...headers: string[]): string =>
  [`GET ${target} HTTP/1.1`, 'Host: front.test', ...headers, 'Connection: close', '', ''].join('\r\n');

describe.runIf(requires('nginx', nginxBinary() !== undefined, 'install nginx-light'))(
  'proxy_pass with variables, against nginx 1.22',
  () => {
    const upstreams: Record<string, RawUpstream> = {};
    let dns: TestDns;
    beforeAll(async () => {
      for (const name of ['A', 'B']) {
        upstreams[name] = await RawUpstream.start(() => response(name, '200 OK', 'Connection: close\r\n'));
      }
      upstreams.K = await RawUpstream.start(() => response('K'));
      dns = await TestDns.start({ 'backend.test': { a: ['127.0.0.1'] } });
    });
    afterAll(async () => {
      await dns.close();
      await Promise.all(Object.values(upstreams).map((u) => u.close()));
    });

    const conf = (): string => {
      const a = upstreams.A!.port;
      return `
events {}
http {
  error_log {LOGS}/error.log error;
  upstream pool_a { server 127.0.0.1:${a}; }
  upstream pool_b { server 127.0.0.1:${upstreams.B!.port}; }
  server {
    listen 127.0.0.1:{PORT};
    server_name front.test;
    proxy_set_header X-Proxy "$proxy_host $proxy_port";
    location /pool/ { proxy_pass http://$http_x_pool; }
    location /uri/ { proxy_pass http://$http_x_pool/v2$uri$is_args$args; }
    location /port/ { proxy_pass http://127.0.0.1:$arg_port; }
    location /named/ { resolver ${dns.address}; resolver_timeout 2s; proxy_pass http://$http_x_name:${a}/n$request_uri; }
    location /unresolved/ { proxy_pass http://$http_x_name:${a}; }
    location /literal/ { proxy_pass http://localhost:${upstreams.B!.port}; }
  }
}`;
    };

    const requests = (): string[] => [
      get('/pool/a?x=1', 'X-Pool: pool_a'),
      get('/pool/b', 'X-Pool: POOL_B'),
      get('/uri/p%20q?k=v', 'X-Pool: pool_b'),
      get('/uri/plain', 'X-Pool: pool_a'),
      get(`/port/x?port=${upstreams.B!.port}`),
      get('/port/x?port=nope'),
      get('/named/x?y=1', 'X-Name: backend.test'),
      get('/named/x', 'X-Name: missing.test'),
      // An empty label is "Host not found" without a query; a trailing dot is dropped.
      get('/named/x', 'X-Name: a..test'),
      get('/named/x', 'X-Name: gone.test.'),
      get('/unresolved/x', 'X-Name: backend.test'),
      // The implicit upstream of a literal proxy_pass elsewhere is found by host and port.
      get(`/pool/x`, `X-Pool: LOCALHOST:${upstreams.B!.port}`),
      get('/pool/x', 'X-Pool: no_such_pool'),
      get('/pool/x', 'X-Pool: pool_a:80'),
      get('/pool/x'),
    ];

    async function run(
      target: 'nginx' | 'ours',
      texts: string[],
      confText = conf(),
    ): Promise<{ outcomes: Outcome[]; errors: string[] }> {
      const dir = await mkdtemp(join(tmpdir(), `upstream-lab-pass-${target}-`));
      const port = await freePort();
      const text = confText.replaceAll('{LOGS}', dir).replaceAll('{PORT}', String(port));
      const proxy = target === 'nginx' ? await startNginx(text) : await ours.start(text);
      const outcomes: Outcome[] = [];
      // Upstream connections are numbered from this run's first one.
      const base = Object.fromEntries(Object.entries(upstreams).map(([n, u]) => [n, u.connections]));
      try {
        for (const request of texts) {
          const seen = Object.fromEntries(Object.entries(upstreams).map(([n, u]) => [n, u.requests.length]));
          const answer = await sendRaw({ port: proxy.port, request, timeoutMs: 5000 });
          const reached = Object.entries(upstreams).find(([n, u]) => u.requests.length > seen[n]!);
          const head = reached?.[1].requests.at(-1)?.head.split('\r\n') ?? [];
          const host = head.find((line) => /^host:/i.test(line));
          const proxyVars = head.find((line) => /^x-proxy:/i.test(line)) ?? '';
          const on = reached ? ` #${reached[1].requests.at(-1)!.connection - base[reached[0]]!}` : '';
          outcomes.push({
            status: answer.status,
            addr: answer.headers['x-addr'] ?? '',
            proxyVars,
            // Ours signs its pages `upstream-lab` (docs/differences.md).
            body: answer.body.replace(/<center>(nginx\/1\.22\.\d+|upstream-lab)<\/center>/, '(signature)'),
            upstream: reached ? `${reached[0]}${on} ${head[0]} | ${host}` : null,
          });
        }
      } finally {
        await proxy.stop().catch(() => undefined);
      }
      const errors = normalizeErrors(await readFile(join(dir, 'error.log'), 'latin1').catch(() => ''));
      await rm(dir, { recursive: true, force: true });
      return { outcomes, errors };
    }

    test('upstream chosen by a header, IP:port, URI with variables, resolver, no resolver', async () => {
      const texts = requests();
      const nginx = await run('nginx', texts);
      const mine = await run('ours', texts);
      const label = (list: Outcome[]) => list.map((o, i) => ({ request: texts[i]!.split('\r\n')[0], ...o }));
      expect(label(mine.outcomes)).toEqual(label(nginx.outcomes));
      expect(mine.errors).toEqual(nginx.errors);
      // The harness sees what it should: each case did what its name says on nginx.
      const [a, b, uri] = nginx.outcomes;
      expect(a?.upstream).toBe('A #1 GET /pool/a?x=1 HTTP/1.0 | Host: pool_a');
      expect(b?.upstream).toBe('B #1 GET /pool/b HTTP/1.0 | Host: POOL_B');
      expect(uri?.upstream).toBe('B #2 GET /v2/uri/p q?k=v HTTP/1.0 | Host: pool_b');
      expect(nginx.outcomes[4]?.proxyVars).toBe(
        `X-Proxy: 127.0.0.1:${upstreams.B!.port} ${upstreams.B!.port}`,
      );
      expect(b?.proxyVars).toBe('X-Proxy: POOL_B 80');
      expect(nginx.outcomes.map((o) => o.status)).toEqual([
        200, 200, 200, 200, 200, 500, 200, 502, 502, 502, 502, 200, 502, 502, 500,
      ]);
      expect(nginx.errors.join('\n')).toContain('no resolver defined to resolve backend.test');
      expect(nginx.errors.join('\n')).toContain('missing.test could not be resolved (3: Host not found)');
      expect(nginx.errors.join('\n')).toContain('gone.test could not be resolved (3: Host not found)');
    });

    test('an upstream named by a variable is the same upstream: failures and keep-alive are shared', async () => {
      const refused = await freePort();
      const k = upstreams.K!;
      const text = `
events {}
http {
  error_log {LOGS}/error.log error;
  upstream two { server 127.0.0.1:${refused}; server 127.0.0.1:${upstreams.B!.port}; }
  upstream kept { server 127.0.0.1:${k.port}; keepalive 2; }
  server {
    listen 127.0.0.1:{PORT};
    server_name front.test;
    add_header X-Addr $upstream_addr always;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location /var/ { proxy_pass http://$http_x_pool; }
    location /literal/ { proxy_pass http://two; }
    location /kept/ { proxy_pass http://kept; }
  }
}`;
      const texts = [
        get('/var/1', 'X-Pool: two'),
        get('/literal/2'),
        get('/var/3', 'X-Pool: two'),
        get('/var/4', 'X-Pool: kept'),
        get('/kept/5'),
        get('/var/6', 'X-Pool: kept'),
      ];
      const nginx = await run('nginx', texts, text);
      const mine = await run('ours', texts, text);
      const label = (list: Outcome[]) =>
        list.map((o, i) => ({ request: texts[i]!.split('\r\n')[0], ...o, body: undefined }));
      expect(label(mine.outcomes)).toEqual(label(nginx.outcomes));
      expect(mine.errors).toEqual(nginx.errors);
      expect(nginx.outcomes.map((o) => o.addr)).toEqual([
        `127.0.0.1:${refused}, 127.0.0.1:${upstreams.B!.port}`,
        `127.0.0.1:${upstreams.B!.port}`,
        `127.0.0.1:${upstreams.B!.port}`,
        `127.0.0.1:${k.port}`,
        `127.0.0.1:${k.port}`,
        `127.0.0.1:${k.port}`,
      ]);
      expect(new Set(nginx.outcomes.slice(3).map((o) => o.upstream?.split(' ')[1])).size).toBe(1);
    });
  },
);
