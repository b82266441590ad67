import { describe, expect, test } from 'vitest';
import { formatDiagnostic } from '../../core/nginx/errors';
import { FILE, http, parse } from './support/parse-helpers';

const server = (...lines: string[]): string =>
  http(['    server {', ...lines.map((line) => `        ${line}`), '    }'].join('\n'));

describe('listen', () => {
  test.each([
    ['listen 80;', { host: '0.0.0.0', port: 80, defaultServer: false }],
    ['listen 8080;', { host: '0.0.0.0', port: 8080, defaultServer: false }],
    ['listen 127.0.0.1:8080;', { host: '127.0.0.1', port: 8080, defaultServer: false }],
    ['listen 127.0.0.1;', { host: '127.0.0.1', port: 80, defaultServer: false }],
    ['listen [::1]:8080;', { host: '::1', port: 8080, defaultServer: false }],
    ['listen [::]:80 default_server;', { host: '::', port: 80, defaultServer: true }],
    ['listen localhost:8080;', { host: 'localhost', port: 8080, defaultServer: false }],
    ['listen *:8081 default;', { host: '0.0.0.0', port: 8081, defaultServer: true }],
  ])('%s', (line, expected) => {
    expect(parse(server(line)).config.servers[0]?.listen).toStrictEqual([expected]);
  });

  test('a server block without listen gets *:80', () => {
    expect(parse(server('server_name a;')).config.servers[0]?.listen).toStrictEqual([
      { host: '0.0.0.0', port: 80, defaultServer: false },
    ]);
  });

  test('several listen lines; nginx-only parameters are accepted with a warning', () => {
    const { config, warnings } = parse(server('listen 8080 reuseport backlog=511;', 'listen 8443 ssl;'));
    expect(config.servers[0]?.listen.map((listen) => listen.port)).toStrictEqual([8080, 8443]);
    expect(warnings.map(formatDiagnostic)).toStrictEqual([
      `${FILE}:4:21: ignored "listen" parameter "reuseport"`,
      `${FILE}:4:31: ignored "listen" parameter "backlog=511"`,
      `${FILE}:5:21: TLS is not supported: "listen ... ssl" is served as plain HTTP by upstream-lab`,
    ]);
  });

  test('two servers with the same name on one address: nginx\'s "conflicting server name" warning', () => {
    const text = http(
      '    server { listen 8080; server_name a; }\n    server { listen 8080; server_name A b; }',
    );
    expect(parse(text).warnings.map(formatDiagnostic)).toContain(
      `${FILE}:4:5: conflicting server name "a" on 0.0.0.0:8080, ignored`,
    );
  });
});

describe('server_name', () => {
  test('names accumulate over directives and are lower-cased like nginx does', () => {
    expect(
      parse(server('server_name Example.COM www.example.com;', 'server_name localhost;')).config.servers[0]
        ?.serverNames,
    ).toStrictEqual(['example.com', 'www.example.com', 'localhost']);
  });

  test('regex names are skipped with a warning', () => {
    const { config, warnings } = parse(server('server_name a ~^b\\d+$;'));
    expect(config.servers[0]?.serverNames).toStrictEqual(['a']);
    expect(warnings.map((warning) => warning.message)).toContain(
      'regex server names are not supported; ignored "~^b\\d+$"',
    );
  });
});

describe('locations', () => {
  test('prefix, exact (also glued as =/x) and ^~ locations, in config order', () => {
    const { config } = parse(
      server(
        'location / { }',
        'location = /health { return 200 ok; }',
        'location =/exact { }',
        'location ^~ /static/ { }',
        'location ^~/s2 { }',
      ),
    );
    expect(config.servers[0]?.locations.map((location) => [location.modifier, location.path])).toStrictEqual([
      ['', '/'],
      ['=', '/health'],
      ['=', '/exact'],
      ['^~', '/static/'],
      ['^~', '/s2'],
    ]);
  });

  test('= /a and /a are different locations', () => {
    expect(parse(server('location = /a { }', 'location /a { }')).config.servers[0]?.locations).toHaveLength(
      2,
    );
  });

  test('regex and nested locations and if blocks are skipped with a warning', () => {
    const { config, warnings } = parse(
      server(
        'location ~ \\.php$ { return 403; }',
        'location ~* \\.(js|css)$ { }',
        'location @fallback { return 204; }',
        'location / {',
        '    location /inner { }',
        '    if ($http_x) { return 418; }',
        '}',
      ),
    );
    expect(config.servers[0]?.locations.map((l) => `${l.modifier}|${l.path}`)).toStrictEqual([
      '@|@fallback',
      '|/',
    ]);
    expect(warnings.filter((warning) => warning.kind === 'unsupported').map(formatDiagnostic)).toStrictEqual([
      `${FILE}:4:9: regex locations are not supported; ignored "location ~ \\.php$"`,
      `${FILE}:5:9: regex locations are not supported; ignored "location ~* \\.(js|css)$"`,
      `${FILE}:8:13: nested locations are not supported; ignored`,
      `${FILE}:9:13: "if" blocks are not supported; ignored`,
    ]);
  });

  test('named locations: a duplicate name is refused, and so is a URI part in proxy_pass', () => {
    expect(() => parse(server('location @a { }', 'location @a { }'))).toThrow('duplicate location "@a"');
    expect(() => parse(server('location @a { proxy_pass http://127.0.0.1:9/x; }'))).toThrow(
      '"proxy_pass" cannot have URI part in location given by regular expression, or inside named location',
    );
  });

  test('the server level keeps its own add_header, error_page and logs (for requests no location matches)', () => {
    const { config } = parse(server('add_header X-S s always;', 'error_page 404 /nf;', 'location / { }'));
    expect(config.servers[0]?.serverLevel).toStrictEqual({
      addHeaders: [{ name: 'X-S', value: 's', always: true }],
      errorPages: [{ codes: [404], uri: '/nf' }],
    });
    expect(parse(server('location / { }')).config.servers[0]?.serverLevel).toBeUndefined();
  });

  test('return: code, code with text, redirect, bare URL; the first return wins', () => {
    const { config, warnings } = parse(
      server(
        'location /a { return 204; }',
        'location /b { return 200 "hello world"; }',
        'location /c { return 301 https://example.com$request_uri; }',
        'location /d { return http://example.com/; }',
        'location /e { return 404; return 200; }',
      ),
    );
    expect(config.servers[0]?.locations.map((location) => location.return)).toStrictEqual([
      { status: 204 },
      { status: 200, body: 'hello world' },
      { status: 301, body: 'https://example.com$request_uri' },
      { status: 302, body: 'http://example.com/' },
      { status: 404 },
    ]);
    expect(warnings.map(formatDiagnostic)).toContain(
      `${FILE}:8:35: ignored directive "return" (an earlier "return" always wins)`,
    );
  });

  test('a location without proxy_pass has no proxy settings', () => {
    expect(parse(server('location / { }')).config.servers[0]?.locations[0]).toStrictEqual({
      modifier: '',
      path: '/',
      addHeaders: [],
    });
  });

  test('proxy settings of a location', () => {
    const { config } = parse(
      server(
        'location /api/ {',
        '    proxy_pass http://127.0.0.1:9001/v1/;',
        '    proxy_http_version 1.1;',
        '    proxy_set_header Connection "";',
        '    proxy_next_upstream error timeout http_502 http_502 non_idempotent;',
        '    proxy_next_upstream_tries 3;',
        '    proxy_next_upstream_timeout 10s;',
        '    proxy_connect_timeout 1s;',
        '    proxy_read_timeout 500ms;',
        '    proxy_send_timeout "1m 30s";',
        '    add_header X-Up-Addr $upstream_addr always;',
        '    add_header X-Plain yes;',
        '}',
      ),
    );
    expect(config.servers[0]?.locations[0]).toStrictEqual({
      modifier: '',
      path: '/api/',
      addHeaders: [
        { name: 'X-Up-Addr', value: '$upstream_addr', always: true },
        { name: 'X-Plain', value: 'yes', always: false },
      ],
      proxy: {
        upstream: '127.0.0.1:9001',
        uri: '/v1/',
        setHeaders: [{ name: 'Connection', value: '' }],
        nextUpstream: ['error', 'timeout', 'non_idempotent', 'http_502'],
        nextUpstreamTries: 3,
        nextUpstreamTimeoutMs: 10_000,
        connectTimeoutMs: 1000,
        readTimeoutMs: 500,
        sendTimeoutMs: 90_000,
        httpVersion: '1.1',
      },
    });
  });

  test('proxy_next_upstream off gives an empty list, wherever "off" is written', () => {
    for (const value of ['off', 'error off', 'off http_500']) {
      const { config } = parse(
        server(`location / { proxy_pass http://127.0.0.1:9001; proxy_next_upstream ${value}; }`),
      );
      expect(config.servers[0]?.locations[0]?.proxy?.nextUpstream).toStrictEqual([]);
    }
  });

  test('client limits at server level', () => {
    const { config } = parse(
      server(
        'client_header_timeout 5s;',
        'client_body_timeout 10;',
        'keepalive_timeout 0;',
        'client_max_body_size 10m;',
      ),
    );
    expect(config.servers[0]).toMatchObject({
      clientHeaderTimeoutMs: 5000,
      clientBodyTimeoutMs: 10_000,
      keepaliveTimeoutMs: 0,
      clientMaxBodySize: 10 * 1024 * 1024,
    });
  });
});
