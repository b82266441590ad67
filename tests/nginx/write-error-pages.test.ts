import { expect, test } from 'vitest';
import { writeNginxConfig } from '../../core/nginx/write';
import { parse } from './support/parse-helpers';

test('error_page and proxy_intercept_errors survive a write and a re-read', () => {
  const config = parse(`events {}
http {
    upstream pool { server 127.0.0.1:9001; }
    server {
        listen 127.0.0.1:18080;
        error_page 404 /oops;
        location = /oops { return 200 "oops $status"; }
        location / {
            proxy_pass http://pool;
            proxy_intercept_errors on;
            error_page 502 504 =200 /oops;
            error_page 418 = "http://x.test/$uri";
        }
    }
}
`).config;
  const written = writeNginxConfig(config);
  expect(written).toContain('proxy_intercept_errors on;');
  expect(written).toContain('error_page 502 504 =200 /oops;');
  expect(parse(written).config).toStrictEqual(config);
});

test('named locations and the server level (add_header, error_page, logs) survive a write and a re-read', () => {
  const config = parse(`events {}
http {
    upstream pool { server 127.0.0.1:9001; }
    server {
        listen 127.0.0.1:18080;
        add_header X-S s always;
        error_page 404 /nf;
        access_log /tmp/upstream-lab-server.log;
        location = /nf { proxy_pass http://pool; }
        location / {
            proxy_pass http://pool;
            error_page 502 = @fallback;
        }
        location @fallback { proxy_pass http://pool; add_header X-F f; }
    }
}
`).config;
  const written = writeNginxConfig(config);
  expect(written).toContain('location @fallback {');
  expect(parse(written).config).toStrictEqual(config);
});
