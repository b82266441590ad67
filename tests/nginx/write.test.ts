import { describe, expect, test } from 'vitest';
import {
  PROXY_DEFAULTS,
  SERVER_BLOCK_DEFAULTS,
  SERVER_DEFAULTS,
  type ProxyConfig,
} from '../../core/balancer/config';
import { InvalidProxyConfigError } from '../../core/nginx/validate';
import { writeNginxConfig } from '../../core/nginx/write';
import { CORPUS } from './support/corpus';
import { seedText } from './support/fixtures';
import { parse } from './support/parse-helpers';

const sample: ProxyConfig = {
  upstreams: [
    {
      name: 'pool',
      method: { kind: 'hash', key: '$request_uri', consistent: true },
      servers: [
        {
          ...SERVER_DEFAULTS,
          address: '10.0.0.1:8000',
          maxFails: 3,
          failTimeoutSec: 30,
          weight: 2,
          maxConns: 5,
        },
        { ...SERVER_DEFAULTS, address: '10.0.0.2:8000', down: true, slowStartSec: 0 },
      ],
      keepalive: 16,
      implicit: false,
      healthCheck: { path: '/health', intervalMs: 2000, timeoutMs: 1000, rise: 1, fall: 3 },
    },
    {
      name: '127.0.0.1:9009',
      method: { kind: 'round_robin' },
      servers: [{ ...SERVER_DEFAULTS, address: '127.0.0.1:9009' }],
      keepalive: 0,
      implicit: true,
    },
  ],
  servers: [
    {
      listen: [
        { host: '0.0.0.0', port: 8080, defaultServer: true },
        { host: '::1', port: 8080, defaultServer: false },
      ],
      serverNames: ['lab.local'],
      locations: [
        {
          modifier: '',
          path: '/',
          addHeaders: [{ name: 'X-Up-Addr', value: '$upstream_addr', always: true }],
          proxy: {
            ...PROXY_DEFAULTS,
            upstream: 'pool',
            setHeaders: [{ name: 'Connection', value: '' }],
            httpVersion: '1.1',
            nextUpstream: [],
            readTimeoutMs: 1500,
          },
        },
        {
          modifier: '=',
          path: '/direct',
          addHeaders: [],
          proxy: { ...PROXY_DEFAULTS, upstream: '127.0.0.1:9009', uri: '/x' },
        },
        { modifier: '^~', path: '/ping', addHeaders: [], return: { status: 200, body: 'pong' } },
      ],
      ...SERVER_BLOCK_DEFAULTS,
      clientMaxBodySize: 0,
    },
  ],
};

describe('writeNginxConfig', () => {
  test('writes the seed layout, leaving defaults out', () => {
    expect(writeNginxConfig(sample)).toBe(`events {}

http {
    upstream pool {
        hash $request_uri consistent;
        server 10.0.0.1:8000 max_fails=3 fail_timeout=30s weight=2 max_conns=5;
        server 10.0.0.2:8000 down;
        keepalive 16;
        # upstream-lab: health_check uri=/health interval=2s fails=3
    }

    server {
        listen 8080 default_server;
        listen [::1]:8080;
        server_name lab.local;

        client_max_body_size 0;

        location / {
            proxy_pass http://pool;

            proxy_http_version 1.1;
            proxy_read_timeout 1500ms;
            proxy_next_upstream off;

            proxy_set_header Connection "";

            add_header X-Up-Addr $upstream_addr always;
        }

        location = /direct {
            proxy_pass http://127.0.0.1:9009/x;
        }

        location ^~ /ping {
            return 200 pong;
        }
    }
}
`);
  });

  test('parse(write(config)) gives the config back', () => {
    expect(parse(writeNginxConfig(sample)).config).toStrictEqual(sample);
  });

  test.each(Object.entries(CORPUS))('round trip: %s', (_name, text) => {
    const parsed = parse(text).config;
    const written = writeNginxConfig(parsed);
    expect(parse(written).config).toStrictEqual(parsed);
    // Writing is stable: the second generation prints the same text.
    expect(writeNginxConfig(parse(written).config)).toBe(written);
  });

  test('mapAddress as a table rewrites upstream servers; unlisted addresses stay', () => {
    const written = writeNginxConfig(parse(seedText()).config, {
      mapAddress: { 'backend1:8000': '127.0.0.1:19001', 'backend2:8000': '127.0.0.1:19002' },
    });
    expect(written).toContain('server 127.0.0.1:19001 max_fails=3 fail_timeout=30s;');
    expect(written).toContain('server 127.0.0.1:19002 max_fails=3 fail_timeout=30s;');
    expect(written).toContain('server backend3:8000 max_fails=3 fail_timeout=30s;');
  });

  test('mapAddress as a function also moves implicit upstreams (proxy_pass http://ADDRESS)', () => {
    const config = parse(
      'events {}\nhttp { server { location / { proxy_pass http://backend1:8000/app; } } }\n',
    ).config;
    let port = 19000;
    const written = writeNginxConfig(config, { mapAddress: () => `127.0.0.1:${++port}` });
    expect(written).toContain('proxy_pass http://127.0.0.1:19001/app;');
  });

  test('main and http directives are written verbatim', () => {
    const written = writeNginxConfig(sample, {
      mainDirectives: ['worker_processes 1', 'pid /tmp/x.pid;'],
      httpDirectives: ['access_log off'],
    });
    expect(
      written.startsWith(
        'worker_processes 1;\npid /tmp/x.pid;\n\nevents {}\n\nhttp {\n    access_log off;\n\n',
      ),
    ).toBe(true);
  });

  test('refuses a config that breaks the model (shape problems are reported first)', () => {
    const broken: ProxyConfig = structuredClone(sample);
    const pool = broken.upstreams[0];
    if (!pool) throw new Error('sample has an upstream');
    pool.method = { kind: 'ip_hash' };
    pool.servers[0] = { ...SERVER_DEFAULTS, address: '10.0.0.1:8000', backup: true, weight: 0 };
    try {
      writeNginxConfig(broken);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidProxyConfigError);
      expect((error as InvalidProxyConfigError).issues).toStrictEqual([
        { path: 'upstreams[0].servers[0].weight', message: 'weight must be at least 1' },
      ]);
    }
  });
});
