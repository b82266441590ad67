import { describe, expect, test } from 'vitest';
import { SERVER_DEFAULTS } from '../../core/balancer/config';
import { formatDiagnostic } from '../../core/nginx/errors';
import { writeNginxConfig } from '../../core/nginx/write';
import { FILE, http, parse, upstream } from './support/parse-helpers';

const withMethod = (method: string): string =>
  http(
    `    upstream b {\n        ${method}\n        server 127.0.0.1:9001;\n        server 127.0.0.1:9002;\n    }`,
  );

describe('balancing methods', () => {
  test.each([
    ['', { kind: 'round_robin' }],
    ['least_conn;', { kind: 'least_conn' }],
    ['ip_hash;', { kind: 'ip_hash' }],
    ['hash $request_uri;', { kind: 'hash', key: '$request_uri', consistent: false }],
    ['hash $arg_k consistent;', { kind: 'hash', key: '$arg_k', consistent: true }],
    ['hash "$remote_addr$uri";', { kind: 'hash', key: '$remote_addr$uri', consistent: false }],
    ['random;', { kind: 'random', two: false, leastConn: false }],
    ['random two;', { kind: 'random', two: true, leastConn: false }],
    ['random two least_conn;', { kind: 'random', two: true, leastConn: true }],
  ])('%s', (directive, method) => {
    expect(upstream(parse(withMethod(directive)).config, 'b').method).toStrictEqual(method);
  });

  test('a method written after the servers applies to the whole block', () => {
    const { config } = parse(
      http('    upstream b {\n        server 127.0.0.1:9001 weight=3;\n        least_conn;\n    }'),
    );
    expect(upstream(config, 'b')).toMatchObject({ method: { kind: 'least_conn' }, servers: [{ weight: 3 }] });
  });

  test('a second method wins, with nginx\'s "load balancing method redefined" warning', () => {
    const { config, warnings } = parse(withMethod('least_conn; ip_hash;'));
    expect(upstream(config, 'b').method).toStrictEqual({ kind: 'ip_hash' });
    expect(warnings.map(formatDiagnostic)).toContain(`${FILE}:4:21: load balancing method redefined`);
  });
});

describe('server parameters', () => {
  test('every parameter, in any order, with defaults for the rest', () => {
    const { config } = parse(
      http(
        [
          '    upstream b {',
          '        server 127.0.0.1:9001 weight=5 max_fails=0 fail_timeout=1m max_conns=10;',
          '        server 127.0.0.1:9002 down;',
          '        server [::1]:9003 backup fail_timeout=2 weight=2 weight=3;',
          '        server unix:/tmp/b.sock;',
          '        server backend4;',
          '    }',
        ].join('\n'),
      ),
    );
    expect(upstream(config, 'b').servers).toStrictEqual([
      {
        ...SERVER_DEFAULTS,
        address: '127.0.0.1:9001',
        weight: 5,
        maxFails: 0,
        failTimeoutSec: 60,
        maxConns: 10,
      },
      { ...SERVER_DEFAULTS, address: '127.0.0.1:9002', down: true },
      // nginx lets a later parameter override an earlier one.
      { ...SERVER_DEFAULTS, address: '[::1]:9003', backup: true, failTimeoutSec: 2, weight: 3 },
      { ...SERVER_DEFAULTS, address: 'unix:/tmp/b.sock' },
      { ...SERVER_DEFAULTS, address: 'backend4' },
    ]);
  });

  test('weight, max_conns, max_fails, fail_timeout and down are allowed with the hash methods', () => {
    for (const method of ['ip_hash;', 'hash $uri;', 'random two least_conn;']) {
      const text = http(
        `    upstream b {\n        ${method}\n        server 127.0.0.1:9001 weight=2 max_conns=3 max_fails=2 fail_timeout=5s down;\n        server 127.0.0.1:9002;\n    }`,
      );
      expect(upstream(parse(text).config, 'b').servers[0]).toMatchObject({
        weight: 2,
        maxConns: 3,
        down: true,
      });
    }
  });

  test('backup is allowed with round robin and least_conn', () => {
    const text = http(
      '    upstream b {\n        least_conn;\n        server 127.0.0.1:9001;\n        server 127.0.0.1:9002 backup;\n    }',
    );
    expect(upstream(parse(text).config, 'b').servers.map((server) => server.backup)).toStrictEqual([
      false,
      true,
    ]);
  });

  test('a single down server is still a valid upstream', () => {
    expect(
      upstream(parse(http('    upstream b { server 127.0.0.1:9001 down; }')).config, 'b').servers,
    ).toHaveLength(1);
  });
});

describe('keepalive', () => {
  test('keepalive N after the method', () => {
    const { config, warnings } = parse(withMethod('least_conn; keepalive 16;'));
    expect(upstream(config, 'b')).toMatchObject({ keepalive: 16, method: { kind: 'least_conn' } });
    expect(warnings.filter((warning) => warning.kind === 'nginx')).toStrictEqual([]);
  });

  test('a method after keepalive disables keepalive, as in nginx, and says so', () => {
    const { config, warnings } = parse(withMethod('keepalive 16; ip_hash;'));
    expect(upstream(config, 'b')).toMatchObject({ keepalive: 0, method: { kind: 'ip_hash' } });
    expect(warnings.map(formatDiagnostic)).toContain(
      `${FILE}:4:23: load balancing method redefined: nginx drops the "keepalive" at line 4 when the method comes after it; write the method first`,
    );
  });

  test('the upstream keepalive_timeout, _requests and _time are applied and written back', () => {
    const text = withMethod('keepalive 2; keepalive_timeout 30s; keepalive_requests 100; keepalive_time 2m;');
    const { config, warnings } = parse(text);
    expect(warnings.map((warning) => warning.message)).toStrictEqual([]);
    const limits = { keepaliveTimeoutMs: 30_000, keepaliveRequests: 100, keepaliveTimeMs: 120_000 };
    expect(upstream(config, 'b')).toMatchObject({ keepalive: 2, ...limits });
    expect(upstream(parse(writeNginxConfig(config)).config, 'b')).toMatchObject(limits);
  });

  test('without them the upstream carries none (nginx defaults: 60s, 1000, 1h)', () => {
    const b = upstream(parse(withMethod('keepalive 2;')).config, 'b');
    expect(b.keepaliveTimeoutMs ?? b.keepaliveRequests ?? b.keepaliveTimeMs).toBeUndefined();
  });
});

describe('implicit upstreams from proxy_pass', () => {
  const location = (target: string): string =>
    http(
      `    server {\n        listen 18080;\n        location / {\n            proxy_pass ${target};\n        }\n    }`,
    );

  test('an IP literal becomes a one-server upstream with nginx defaults', () => {
    const { config } = parse(location('http://127.0.0.1:9001'));
    expect(config.upstreams).toStrictEqual([
      {
        name: '127.0.0.1:9001',
        method: { kind: 'round_robin' },
        servers: [{ ...SERVER_DEFAULTS, address: '127.0.0.1:9001' }],
        keepalive: 0,
        implicit: true,
      },
    ]);
    expect(config.servers[0]?.locations[0]?.proxy?.upstream).toBe('127.0.0.1:9001');
  });

  test('a host name that is no upstream block gets port 80 and is not resolved', () => {
    const { config } = parse(location('http://backend1/api/'));
    expect(config.upstreams[0]).toMatchObject({
      name: 'backend1',
      implicit: true,
      servers: [{ address: 'backend1:80' }],
    });
    expect(config.servers[0]?.locations[0]?.proxy).toMatchObject({ upstream: 'backend1', uri: '/api/' });
  });

  test('an IPv6 literal', () => {
    const { config } = parse(location('http://[::1]:9001'));
    expect(config.upstreams[0]).toMatchObject({ name: '[::1]:9001', servers: [{ address: '[::1]:9001' }] });
  });

  test('proxy_pass names an upstream block case-insensitively, even one defined later', () => {
    const text = http(
      '    server {\n        location / {\n            proxy_pass HTTP://BACKEND/;\n        }\n    }\n    upstream backend { server 127.0.0.1:9001; }',
    );
    const { config } = parse(text);
    expect(config.upstreams.map((candidate) => candidate.name)).toStrictEqual(['backend']);
    expect(config.servers[0]?.locations[0]?.proxy).toMatchObject({ upstream: 'backend', uri: '/' });
  });

  test('locations proxying to the same address share one implicit upstream', () => {
    const text = http(
      '    server {\n        location /a { proxy_pass http://127.0.0.1:9001; }\n        location /b { proxy_pass http://127.0.0.1:9001/b; }\n    }',
    );
    expect(parse(text).config.upstreams).toHaveLength(1);
  });
});
