import { describe, expect, test } from 'vitest';
import { writeNginxConfig } from '../../core/nginx/write';
import { validateProxyConfig } from '../../core/nginx/validate';
import { http, parse } from './support/parse-helpers';

const server = (locations: string): string =>
  http(`    upstream pool { server 127.0.0.1:9001; }
    server {
        listen 127.0.0.1:18080;
${locations}
    }`);

describe('proxy_pass with variables', () => {
  test('keeps the URL as written, names no upstream and creates no implicit one', () => {
    const { config } = parse(
      server(`        location / { proxy_pass http://$http_x_pool$request_uri; }
        location /p/ { proxy_pass http://127.0.0.1:$arg_port; }`),
    );
    const [first, second] = config.servers[0]!.locations;
    expect(first?.proxy?.url).toBe('http://$http_x_pool$request_uri');
    expect(first?.proxy?.upstream).toBeUndefined();
    expect(first?.proxy?.uri).toBeUndefined();
    expect(second?.proxy?.url).toBe('http://127.0.0.1:$arg_port');
    expect(config.upstreams.map((u) => u.name)).toEqual(['pool']);
  });

  test('a URL prefix is checked only at run time, as nginx does (proxy_pass $url)', () => {
    const { config } = parse(server('        location / { proxy_pass $http_x_url; }'));
    expect(config.servers[0]!.locations[0]?.proxy?.url).toBe('$http_x_url');
  });

  test('resolver and resolver_timeout are inherited from http to location', () => {
    const text = http(`    resolver 127.0.0.1:5353 [::1] valid=30s ipv6=off;
    resolver_timeout 2s;
    server {
        listen 127.0.0.1:18080;
        location / { proxy_pass http://$host:8081; }
        location /own/ { resolver 127.0.0.2; proxy_pass http://$host:8081; }
    }`);
    const [outer, own] = parse(text).config.servers[0]!.locations;
    expect(outer?.proxy?.resolver).toEqual({
      addresses: ['127.0.0.1:5353', '[::1]:53'],
      validSec: 30,
      ipv6: false,
    });
    expect(outer?.proxy?.resolverTimeoutMs).toBe(2000);
    expect(own?.proxy?.resolver).toEqual({ addresses: ['127.0.0.2:53'], ipv6: true });
  });

  test('written back unchanged, and parses to the same config', () => {
    const text = server(`        resolver 127.0.0.1 valid=1m;
        location / { proxy_pass http://$http_x_pool$request_uri; }
        location /q/ { proxy_pass "http://127.0.0.1:$arg_port/a b?$args"; }`);
    const { config } = parse(text);
    const written = writeNginxConfig(config);
    expect(written).toContain('proxy_pass http://$http_x_pool$request_uri;');
    expect(written).toContain('proxy_pass "http://127.0.0.1:$arg_port/a b?$args";');
    expect(written).toContain('resolver 127.0.0.1:53 valid=60s;');
    expect(parse(written).config).toEqual(config);
  });

  test('a config from the UI is refused with an unknown variable, or with both a URL and an upstream', () => {
    const { config } = parse(server('        location / { proxy_pass http://$host; }'));
    const location = config.servers[0]!.locations[0]!;
    location.proxy!.url = 'http://$nope';
    expect(validateProxyConfig(config)).toMatchObject({
      ok: false,
      issues: [{ path: 'servers[0].locations[0].proxy.url', message: 'unknown "nope" variable' }],
    });
    location.proxy!.url = 'http://$host';
    location.proxy!.upstream = 'pool';
    expect(validateProxyConfig(config)).toMatchObject({
      ok: false,
      issues: [{ path: 'servers[0].locations[0].proxy.url' }],
    });
  });

  test('health_check needs an upstream block, not a URL with variables', () => {
    expect(() => parse(server('        location / { proxy_pass http://$host; health_check; }'))).toThrow(
      '"health_check" needs a "proxy_pass" to an upstream block in the same location',
    );
  });
});
