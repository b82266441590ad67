import { describe, expect, test } from 'vitest';
import { writeNginxConfig } from '../../core/nginx/write';
import { nginxBinary } from '../support/prerequisites';
import { nginxTest } from './support/nginx-test-run';
import { FILE, http, parse, parseError } from './support/parse-helpers';

const conf = http(`
  log_format main escape=json '{"s":$status,'
                              '"u":"$upstream_addr"}';
  access_log /tmp/lab-access.log main buffer=8k flush=2s;
  error_log /tmp/lab-error.log warn;
  server {
    listen 8080;
    location / { proxy_pass http://127.0.0.1:9001; }
    location /quiet { access_log off; proxy_pass http://127.0.0.1:9001; }
    location /own {
      access_log /tmp/own.log;
      access_log /tmp/own2.log main;
      error_log /tmp/own-error.log info;
      proxy_pass http://127.0.0.1:9001;
    }
  }
  server {
    listen 8081;
    access_log /tmp/server.log combined;
    location / { proxy_pass http://127.0.0.1:9001; }
  }`);

describe('log_format, access_log and error_log', () => {
  test('formats join their strings; logs are inherited from the innermost level that has any', () => {
    const { config } = parse(conf);
    expect(config.logFormats).toEqual([
      { name: 'main', escape: 'json', format: '{"s":$status,"u":"$upstream_addr"}' },
    ]);
    const [first, second] = config.servers;
    const main = { path: '/tmp/lab-access.log', format: 'main', bufferBytes: 8192, flushMs: 2000 };
    expect(first?.locations.map((l) => [l.accessLog, l.errorLog])).toEqual([
      [[main], { path: '/tmp/lab-error.log', level: 'warn' }],
      [[], { path: '/tmp/lab-error.log', level: 'warn' }],
      [
        [
          { path: '/tmp/own.log', format: 'combined', bufferBytes: 0, flushMs: 0 },
          { path: '/tmp/own2.log', format: 'main', bufferBytes: 0, flushMs: 0 },
        ],
        { path: '/tmp/own-error.log', level: 'info' },
      ],
    ]);
    expect(second?.locations[0]?.accessLog).toEqual([
      { path: '/tmp/server.log', format: 'combined', bufferBytes: 0, flushMs: 0 },
    ]);
  });

  test('without any access_log the location keeps nginx default (absent)', () => {
    const { config } = parse(
      http('server { listen 8080; location / { proxy_pass http://127.0.0.1:9001; } }'),
    );
    expect(config.servers[0]?.locations[0]).not.toHaveProperty('accessLog');
    expect(config.logFormats).toBeUndefined();
  });

  test('parse(write(config)) gives the config back', () => {
    const { config } = parse(conf);
    expect(parse(writeNginxConfig(config)).config).toEqual(config);
  });

  test.runIf(nginxBinary() !== undefined)('real nginx -t accepts the written config', async () => {
    const result = await nginxTest(nginxBinary() ?? 'nginx', writeNginxConfig(parse(conf).config));
    expect(result.ok, result.output).toBe(true);
  });

  test.each([
    ['log_format a "$foo";', '3:3: unknown "foo" variable'],
    ['log_format combined "x";', '3:3: duplicate "log_format" name "combined"'],
    ['log_format a "x"; log_format a "y";', '3:21: duplicate "log_format" name "a"'],
    ['log_format a escape=xx "x";', '3:16: unknown log format escaping "xx"'],
    ['log_format a;', '3:3: invalid number of arguments in "log_format" directive'],
    ['access_log /tmp/a.log nope;', '3:3: unknown log format "nope"'],
    ['access_log /tmp/a.log combined flush=5s;', '3:3: no buffer is defined for access_log "/tmp/a.log"'],
    ['access_log /tmp/a.log combined bogus;', '3:34: invalid parameter "bogus"'],
    ['access_log /tmp/a.log combined buffer=abc;', '3:34: invalid buffer size "abc"'],
    ['access_log off combined;', '3:18: invalid parameter "combined"'],
    ['error_log /tmp/e.log bogus;', '3:24: invalid log level "bogus"'],
    ['server { log_format b "x"; }', '3:12: "log_format" directive is not allowed here'],
  ])("%s is refused with nginx's message", (body, message) => {
    expect(parseError(`events {}\nhttp {\n  ${body}\n}\n`)).toBe(`${FILE}:${message}`);
  });
});
