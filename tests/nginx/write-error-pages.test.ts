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
