import { describe, expect, test } from 'vitest';
import { formatDiagnostic } from '../../core/nginx/errors';
import { FILE, parse } from './support/parse-helpers';

const conf = `user www-data;
worker_processes auto;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log warn;

events {
    worker_connections 1024;
}

http {
    include mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log /var/log/nginx/access.log;
    gzip on;
    limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }

    upstream b {
        zone b 64k;
        server 127.0.0.1:9001;
    }

    server {
        listen 18080;
        root /srv/www;
        location / {
            proxy_pass http://b;
            proxy_buffering off;
            limit_req zone=one;
        }
    }
}
stream { }
`;

describe('every directive that is not acted on is reported with its position', () => {
  test('warnings in file order, "no effect on balancing" for the harmless ones', () => {
    expect(parse(conf).warnings.map(formatDiagnostic)).toStrictEqual([
      `${FILE}:1:1: ignored directive "user" (no effect on balancing)`,
      `${FILE}:2:1: ignored directive "worker_processes" (no effect on balancing)`,
      `${FILE}:3:1: ignored directive "pid" (no effect on balancing)`,
      `${FILE}:4:1: ignored directive "error_log" (no effect on balancing)`,
      `${FILE}:7:5: ignored directive "worker_connections" (no effect on balancing)`,
      `${FILE}:11:5: ignored directive "include" ("mime.types": included files are only read when loading from disk)`,
      `${FILE}:12:5: ignored directive "default_type" (no effect on balancing)`,
      `${FILE}:13:5: ignored directive "sendfile" (no effect on balancing)`,
      `${FILE}:15:5: ignored directive "gzip"`,
      `${FILE}:16:5: ignored directive "limit_req_zone"`,
      `${FILE}:17:5: ignored directive "map"`,
      `${FILE}:20:9: ignored directive "zone" (no effect on balancing)`,
      `${FILE}:26:9: ignored directive "root"`,
      `${FILE}:29:13: ignored directive "proxy_buffering"`,
      `${FILE}:30:13: ignored directive "limit_req"`,
      `${FILE}:34:1: ignored directive "stream"`,
    ]);
  });

  test('warnings carry a kind for grouping', () => {
    const kinds = new Set(parse(conf).warnings.map((warning) => warning.kind));
    expect([...kinds].sort()).toStrictEqual(['ignored', 'no-effect']);
  });

  test('the content of an ignored block (map) is not read as directives', () => {
    expect(() => parse(conf)).not.toThrow();
  });

  test('a config without events or http still parses, with warnings', () => {
    expect(parse('worker_processes 1;\n').warnings.map(formatDiagnostic)).toStrictEqual([
      `${FILE}:1:1: ignored directive "worker_processes" (no effect on balancing)`,
      `${FILE}:1:1: no "events" section in configuration (nginx refuses to start without one)`,
      `${FILE}:1:1: no "http" block: there is nothing to balance`,
    ]);
  });
});
