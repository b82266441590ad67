import { describe, expect, test } from 'vitest';
import { PROXY_DEFAULTS, SERVER_BLOCK_DEFAULTS, type LocationConfig } from '../../core/balancer/config';
import { formatDiagnostic } from '../../core/nginx/errors';
import { FILE, parse } from './support/parse-helpers';

const conf = `events {}
http {
    proxy_connect_timeout 2s;
    proxy_read_timeout 3s;
    proxy_http_version 1.1;
    proxy_set_header X-From http;
    add_header X-Http 1;
    keepalive_timeout 30s;
    client_max_body_size 5m;
    upstream b { server 127.0.0.1:9001; }

    server {
        listen 18080;
        proxy_read_timeout 4s;
        proxy_next_upstream error;
        proxy_set_header X-From server;
        proxy_set_header X-Server yes;
        client_max_body_size 1k;

        location /inherits {
            proxy_pass http://b;
        }
        location /own-headers {
            proxy_pass http://b;
            proxy_set_header X-Only location;
            add_header X-Loc 1;
            proxy_read_timeout 5s;
        }
        location /empty-header-value {
            proxy_pass http://b;
            proxy_set_header Host "";
        }
    }

    server {
        listen 18081;
        location / {
            proxy_pass http://b;
            client_max_body_size 100m;
        }
    }
}
`;

const locations = (): LocationConfig[][] => parse(conf).config.servers.map((server) => server.locations);

describe('inheritance like nginx', () => {
  test('proxy_* values come from the innermost level that sets them', () => {
    const [first = [], second = []] = locations();
    expect(first[0]?.proxy).toMatchObject({
      connectTimeoutMs: 2000,
      readTimeoutMs: 4000,
      httpVersion: '1.1',
      nextUpstream: ['error'],
      sendTimeoutMs: PROXY_DEFAULTS.sendTimeoutMs,
    });
    expect(first[1]?.proxy?.readTimeoutMs).toBe(5000);
    expect(second[0]?.proxy).toMatchObject({
      connectTimeoutMs: 2000,
      readTimeoutMs: 3000,
      nextUpstream: ['error', 'timeout'],
    });
  });

  test('proxy_set_header is inherited only by a level that has none of its own', () => {
    const [first = [], second = []] = locations();
    expect(first[0]?.proxy?.setHeaders).toStrictEqual([
      { name: 'X-From', value: 'server' },
      { name: 'X-Server', value: 'yes' },
    ]);
    expect(first[1]?.proxy?.setHeaders).toStrictEqual([{ name: 'X-Only', value: 'location' }]);
    expect(first[2]?.proxy?.setHeaders).toStrictEqual([{ name: 'Host', value: '' }]);
    expect(second[0]?.proxy?.setHeaders).toStrictEqual([{ name: 'X-From', value: 'http' }]);
  });

  test('add_header follows the same all-or-nothing rule', () => {
    const [first = [], second = []] = locations();
    expect(first[0]?.addHeaders).toStrictEqual([{ name: 'X-Http', value: '1', always: false }]);
    expect(first[1]?.addHeaders).toStrictEqual([{ name: 'X-Loc', value: '1', always: false }]);
    expect(second[0]?.addHeaders).toStrictEqual([{ name: 'X-Http', value: '1', always: false }]);
  });

  test('client settings: http level, overridden per server', () => {
    const [first, second] = parse(conf).config.servers;
    expect(first).toMatchObject({ keepaliveTimeoutMs: 30_000, clientMaxBodySize: 1024 });
    expect(second).toMatchObject({
      keepaliveTimeoutMs: 30_000,
      clientMaxBodySize: 5 * 1024 * 1024,
      clientHeaderTimeoutMs: SERVER_BLOCK_DEFAULTS.clientHeaderTimeoutMs,
    });
  });

  test('client_max_body_size inside a location is reported, not silently dropped', () => {
    expect(parse(conf).warnings.map(formatDiagnostic)).toContain(
      `${FILE}:39:13: "client_max_body_size" inside a location is not supported; ignored (set it at server or http level)`,
    );
  });

  test('directives after the server blocks still apply to them (nginx merges after reading http)', () => {
    const late =
      'events {}\nhttp {\n    server { location / { proxy_pass http://127.0.0.1:9001; } }\n    proxy_read_timeout 7s;\n}\n';
    expect(parse(late).config.servers[0]?.locations[0]?.proxy?.readTimeoutMs).toBe(7000);
  });
});
