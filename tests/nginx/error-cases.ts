/**
 * Configs that must be refused, with the exact `FILE:LINE:COL: reason` upstream-lab reports and
 * what the real nginx 1.22 says about the same text:
 * - `same`: nginx -t fails with the same reason on the same line;
 * - `accepts`: nginx -t accepts it and upstream-lab refuses on purpose (see docs/nginx-config.md);
 * - `{ reason, line }`: nginx fails too, in its own words or on another line.
 * Each conf starts with `events {}` on line 1 and `http {` on line 2 unless it tests those.
 */
export interface ErrorCase {
  name: string;
  conf: string;
  error: string;
  nginx: 'same' | 'accepts' | { reason: string; line: number };
}

const F = 'lab/nginx.conf';
const inHttp = (...lines: string[]): string => ['events {}', 'http {', ...lines, '}', ''].join('\n');
const inServer = (...lines: string[]): string =>
  inHttp('    server {', '        listen 127.0.0.1:18080;', ...lines, '    }');
const inLocation = (...lines: string[]): string => inServer('        location / {', ...lines, '        }');
const upstreamB = '    upstream b { server 127.0.0.1:9001; }';

export const ERROR_CASES: ErrorCase[] = [
  // Syntax
  {
    name: 'end of file inside a directive',
    conf: 'events {}\nhttp {\n    upstream b { server 127.0.0.1:9001',
    error: `${F}:3:39: unexpected end of file, expecting ";" or "}"`,
    nginx: 'same',
  },
  {
    name: 'end of file inside a block',
    conf: 'events {}\nhttp {\n    upstream b { server 127.0.0.1:9001; }\n',
    error: `${F}:4:1: unexpected end of file, expecting "}"`,
    nginx: 'same',
  },
  {
    name: 'unterminated quote',
    conf: inLocation('            add_header X-A "b;'),
    error: `${F}:10:1: unexpected end of file, expecting ";" or "}"`,
    nginx: 'same',
  },
  { name: 'stray closing brace', conf: 'events {}\n}\n', error: `${F}:2:1: unexpected "}"`, nginx: 'same' },
  {
    name: 'closing brace inside a directive',
    conf: inLocation('            return 200 ok }'),
    error: `${F}:6:27: unexpected "}"`,
    nginx: 'same',
  },
  {
    name: 'semicolon with no directive',
    conf: inHttp('    ;'),
    error: `${F}:3:5: unexpected ";"`,
    nginx: 'same',
  },
  {
    name: 'text glued to a closing quote',
    conf: inLocation('            add_header X-A "b"c;'),
    error: `${F}:6:31: unexpected "c"`,
    nginx: 'same',
  },
  // Directive shape and context
  {
    name: 'server line directly in http',
    conf: inHttp('    server 127.0.0.1:9001;'),
    error: `${F}:3:26: directive "server" has no opening "{"`,
    nginx: 'same',
  },
  {
    name: 'server line in a location',
    conf: inLocation('            server 127.0.0.1:9001;'),
    error: `${F}:6:13: "server" directive is not allowed here`,
    nginx: 'same',
  },
  {
    name: 'upstream inside server',
    conf: inServer('        upstream x { server 127.0.0.1:9001; }'),
    error: `${F}:5:9: "upstream" directive is not allowed here`,
    nginx: 'same',
  },
  {
    name: 'proxy_pass at server level',
    conf: inServer('        proxy_pass http://127.0.0.1:9001;'),
    error: `${F}:5:9: "proxy_pass" directive is not allowed here`,
    nginx: 'same',
  },
  {
    name: 'listen in http',
    conf: inHttp('    listen 8080;'),
    error: `${F}:3:5: "listen" directive is not allowed here`,
    nginx: 'same',
  },
  {
    name: 'keepalive outside upstream',
    conf: inServer('        keepalive 4;'),
    error: `${F}:5:9: "keepalive" directive is not allowed here`,
    nginx: 'same',
  },
  {
    name: 'client_header_timeout in a location',
    conf: inLocation('            client_header_timeout 10s;'),
    error: `${F}:6:13: "client_header_timeout" directive is not allowed here`,
    nginx: 'same',
  },
  {
    name: 'block given to a simple directive',
    conf: inLocation('            return 200 "x"{ }'),
    error: `${F}:6:27: directive "return" is not terminated by ";"`,
    nginx: 'same',
  },
  {
    name: 'second http block',
    conf: 'events {}\nhttp {\n}\nhttp {\n}\n',
    error: `${F}:4:1: "http" directive is duplicate`,
    nginx: 'same',
  },
  {
    name: 'second events block',
    conf: 'events {}\nevents {}\nhttp {\n}\n',
    error: `${F}:2:1: "events" directive is duplicate`,
    nginx: 'same',
  },
  // Upstream server lines
  {
    name: 'weight=0',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001 weight=0;', '    }'),
    error: `${F}:4:31: invalid parameter "weight=0"`,
    nginx: 'same',
  },
  {
    name: 'weight that is not a number',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001 weight=-1;', '    }'),
    error: `${F}:4:31: invalid parameter "weight=-1"`,
    nginx: 'same',
  },
  {
    name: 'unknown server parameter',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001 foo=1;', '    }'),
    error: `${F}:4:31: invalid parameter "foo=1"`,
    nginx: 'same',
  },
  {
    name: 'fail_timeout in milliseconds',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001 fail_timeout=500ms;', '    }'),
    error: `${F}:4:31: invalid parameter "fail_timeout=500ms"`,
    nginx: 'same',
  },
  {
    name: 'bad max_fails',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001 max_fails=x;', '    }'),
    error: `${F}:4:31: invalid parameter "max_fails=x"`,
    nginx: 'same',
  },
  {
    name: 'nginx Plus "resolve" parameter',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001 resolve;', '    }'),
    error: `${F}:4:31: invalid parameter "resolve"`,
    nginx: 'same',
  },
  {
    name: 'port out of range',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:99999;', '    }'),
    error: `${F}:4:16: invalid port in upstream "127.0.0.1:99999"`,
    nginx: 'same',
  },
  {
    name: 'server without host',
    conf: inHttp('    upstream b {', '        server :80;', '    }'),
    error: `${F}:4:16: no host in upstream ":80"`,
    nginx: 'same',
  },
  {
    name: 'server with a path',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001/x;', '    }'),
    error: `${F}:4:16: invalid host in upstream "127.0.0.1:9001/x"`,
    nginx: 'same',
  },
  {
    name: 'server line without address',
    conf: inHttp('    upstream b {', '        server;', '    }'),
    error: `${F}:4:9: invalid number of arguments in "server" directive`,
    nginx: 'same',
  },
  // Balancing methods
  {
    name: 'backup after ip_hash',
    conf: inHttp(
      '    upstream b {',
      '        ip_hash;',
      '        server 127.0.0.1:9001;',
      '        server 127.0.0.1:9002 backup;',
      '    }',
    ),
    error: `${F}:6:31: balancing method does not support parameter "backup"`,
    nginx: 'same',
  },
  {
    name: 'backup after hash',
    conf: inHttp(
      '    upstream b {',
      '        hash $uri;',
      '        server 127.0.0.1:9001;',
      '        server 127.0.0.1:9002 backup;',
      '    }',
    ),
    error: `${F}:6:31: balancing method does not support parameter "backup"`,
    nginx: 'same',
  },
  {
    name: 'backup after random',
    conf: inHttp(
      '    upstream b {',
      '        random two;',
      '        server 127.0.0.1:9001;',
      '        server 127.0.0.1:9002 backup;',
      '    }',
    ),
    error: `${F}:6:31: balancing method does not support parameter "backup"`,
    nginx: 'same',
  },
  {
    name: 'ip_hash written after a backup server',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        server 127.0.0.1:9002 backup;',
      '        ip_hash;',
      '    }',
    ),
    error: `${F}:6:9: balancing method "ip_hash" does not support parameter "backup" used at line 5`,
    nginx: 'accepts',
  },
  {
    name: 'hash written after a backup server',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        server 127.0.0.1:9002 backup;',
      '        hash $uri consistent;',
      '    }',
    ),
    error: `${F}:6:9: balancing method "hash" does not support parameter "backup" used at line 5`,
    nginx: 'accepts',
  },
  {
    name: 'hash with a bad flag',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001;', '        hash $uri foo;', '    }'),
    error: `${F}:5:19: invalid parameter "foo"`,
    nginx: 'same',
  },
  {
    name: 'hash without key',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001;', '        hash;', '    }'),
    error: `${F}:5:9: invalid number of arguments in "hash" directive`,
    nginx: 'same',
  },
  {
    name: 'random least_conn without two',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001;', '        random least_conn;', '    }'),
    error: `${F}:5:16: invalid parameter "least_conn"`,
    nginx: 'same',
  },
  {
    name: 'random with too many words',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        random two least_conn x;',
      '    }',
    ),
    error: `${F}:5:9: invalid number of arguments in "random" directive`,
    nginx: 'same',
  },
  {
    name: 'ip_hash with an argument',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001;', '        ip_hash x;', '    }'),
    error: `${F}:5:9: invalid number of arguments in "ip_hash" directive`,
    nginx: 'same',
  },
  {
    name: 'keepalive 0',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001;', '        keepalive 0;', '    }'),
    error: `${F}:5:19: invalid value "0" in "keepalive" directive`,
    nginx: 'same',
  },
  {
    name: 'keepalive twice',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        keepalive 2;',
      '        keepalive 4;',
      '    }',
    ),
    error: `${F}:6:9: "keepalive" directive is duplicate`,
    nginx: 'same',
  },
  {
    name: 'keepalive_requests not a number',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        keepalive_requests many;',
      '    }',
    ),
    error: `${F}:5:9: "keepalive_requests" directive invalid number`,
    nginx: 'same',
  },
  {
    name: 'keepalive_timeout in upstream not a time',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        keepalive_timeout 5x;',
      '    }',
    ),
    error: `${F}:5:9: "keepalive_timeout" directive invalid value`,
    nginx: 'same',
  },
  {
    name: 'keepalive_time twice',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        keepalive_time 1h;',
      '        keepalive_time 2h;',
      '    }',
    ),
    error: `${F}:6:9: "keepalive_time" directive is duplicate`,
    nginx: 'same',
  },
  // Upstream blocks
  {
    name: 'duplicate upstream, names compared without case',
    conf: inHttp(
      '    upstream Back { server 127.0.0.1:9001; }',
      '    upstream back { server 127.0.0.1:9002; }',
    ),
    error: `${F}:4:5: duplicate upstream "back"`,
    nginx: 'same',
  },
  {
    name: 'empty upstream',
    conf: inHttp('    upstream b { }'),
    error: `${F}:3:5: no servers are inside upstream`,
    nginx: 'same',
  },
  {
    name: 'upstream with only backup servers',
    conf: inHttp('    upstream b { server 127.0.0.1:9001 backup; }'),
    error: `${F}:3:5: no servers in upstream "b"`,
    nginx: { reason: 'no servers in upstream "b"', line: 3 },
  },
  // Server blocks
  {
    name: 'listen port out of range',
    conf: inHttp('    server {', '        listen 99999;', '    }'),
    error: `${F}:4:16: invalid port in "99999" of the "listen" directive`,
    nginx: 'same',
  },
  {
    name: 'listen port 0',
    conf: inHttp('    server {', '        listen 127.0.0.1:0;', '    }'),
    error: `${F}:4:16: invalid port in "127.0.0.1:0" of the "listen" directive`,
    nginx: 'same',
  },
  {
    name: 'listen without host',
    conf: inHttp('    server {', '        listen :80;', '    }'),
    error: `${F}:4:16: no host in ":80" of the "listen" directive`,
    nginx: 'same',
  },
  {
    name: 'unknown listen parameter',
    conf: inHttp('    server {', '        listen 18080 foo;', '    }'),
    error: `${F}:4:22: invalid parameter "foo"`,
    nginx: 'same',
  },
  {
    name: 'the same listen twice in a server',
    conf: inHttp('    server {', '        listen 18080;', '        listen 18080;', '    }'),
    error: `${F}:5:9: a duplicate listen 0.0.0.0:18080`,
    nginx: { reason: 'a duplicate listen 0.0.0.0:18080', line: 5 },
  },
  {
    name: 'two default servers on one port',
    conf: inHttp(
      '    server {',
      '        listen 18080 default_server;',
      '    }',
      '    server {',
      '        listen 18080 default_server;',
      '    }',
    ),
    error: `${F}:7:9: a duplicate default server for 0.0.0.0:18080`,
    nginx: { reason: 'a duplicate default server for 0.0.0.0:18080', line: 7 },
  },
  {
    name: 'server_name without names',
    conf: inServer('        server_name;'),
    error: `${F}:5:9: invalid number of arguments in "server_name" directive`,
    nginx: 'same',
  },
  {
    name: 'duplicate location',
    conf: inServer('        location ^~ /a { }', '        location /a { }'),
    error: `${F}:6:9: duplicate location "/a"`,
    nginx: 'same',
  },
  {
    name: 'invalid location modifier',
    conf: inServer('        location x /a { }'),
    error: `${F}:5:18: invalid location modifier "x"`,
    nginx: 'same',
  },
  // Locations
  {
    name: 'proxy_pass without scheme',
    conf: inLocation('            proxy_pass 127.0.0.1:9001;'),
    error: `${F}:6:24: invalid URL prefix`,
    nginx: 'same',
  },
  {
    name: 'proxy_pass twice',
    conf: inLocation(
      '            proxy_pass http://127.0.0.1:9001;',
      '            proxy_pass http://127.0.0.1:9002;',
    ),
    error: `${F}:7:13: "proxy_pass" directive is duplicate`,
    nginx: 'same',
  },
  {
    name: 'proxy_pass giving an upstream block a port',
    conf: inHttp(
      upstreamB,
      '    server {',
      '        location / {',
      '            proxy_pass http://b:8080;',
      '        }',
      '    }',
    ),
    error: `${F}:6:24: upstream "b" may not have port 8080`,
    nginx: 'same',
  },
  {
    name: 'proxy_pass port out of range',
    conf: inLocation('            proxy_pass http://127.0.0.1:99999;'),
    error: `${F}:6:24: invalid port in upstream "127.0.0.1:99999"`,
    nginx: 'same',
  },
  {
    name: 'proxy_pass without host',
    conf: inLocation('            proxy_pass http://:80;'),
    error: `${F}:6:24: no host in upstream ":80"`,
    nginx: 'same',
  },
  {
    name: 'proxy_pass to https',
    conf: inLocation('            proxy_pass https://127.0.0.1:9001;'),
    error: `${F}:6:24: https upstreams are not supported by upstream-lab (use "proxy_pass http://...")`,
    nginx: 'accepts',
  },
  {
    name: 'proxy_pass with variables to https',
    conf: inLocation('            proxy_pass https://$host;'),
    error: `${F}:6:24: https upstreams are not supported by upstream-lab (use "proxy_pass http://...")`,
    nginx: 'accepts',
  },
  {
    name: 'resolver valid= not a time',
    conf: inLocation('            resolver 127.0.0.1 valid=x;', '            proxy_pass http://$host;'),
    error: `${F}:6:13: invalid parameter: valid=x`,
    nginx: 'same',
  },
  {
    name: 'resolver ipv6= neither on nor off',
    conf: inLocation('            resolver 127.0.0.1 ipv6=maybe;', '            proxy_pass http://$host;'),
    error: `${F}:6:13: invalid parameter: ipv6=maybe`,
    nginx: 'same',
  },
  {
    name: 'resolver port out of range',
    conf: inLocation('            resolver 127.0.0.1:99999;', '            proxy_pass http://$host;'),
    error: `${F}:6:13: invalid port in resolver "127.0.0.1:99999"`,
    nginx: 'same',
  },
  {
    name: 'resolver IPv6 address without brackets',
    conf: inLocation('            resolver ::1;', '            proxy_pass http://$host;'),
    error: `${F}:6:13: invalid port in resolver "::1"`,
    nginx: 'same',
  },
  {
    name: 'resolver without an address',
    conf: inLocation('            resolver valid=10s;', '            proxy_pass http://$host;'),
    error: `${F}:6:13: no name servers defined`,
    nginx: 'same',
  },
  {
    name: 'resolver with an unknown parameter',
    conf: inLocation('            resolver 127.0.0.1 foo=1;', '            proxy_pass http://$host;'),
    error: `${F}:6:13: host not found in resolver "foo=1"`,
    nginx: 'same',
  },
  {
    name: 'resolver written twice',
    conf: inLocation('            resolver 127.0.0.1;', '            resolver 127.0.0.2;'),
    error: `${F}:7:13: "resolver" directive is duplicate`,
    nginx: 'same',
  },
  {
    name: 'resolver_timeout not a time',
    conf: inLocation('            resolver_timeout x;'),
    error: `${F}:6:13: "resolver_timeout" directive invalid value`,
    nginx: 'same',
  },
  {
    name: 'resolver given by name',
    conf: inLocation('            resolver localhost;', '            proxy_pass http://$host;'),
    error: `${F}:6:13: resolver "localhost": name servers given by name are not supported by upstream-lab (write an IP address)`,
    nginx: 'accepts',
  },
  {
    name: 'unknown proxy_next_upstream condition',
    conf: inLocation('            proxy_next_upstream error foo;'),
    error: `${F}:6:39: invalid value "foo"`,
    nginx: 'same',
  },
  {
    name: 'proxy_next_upstream_tries not a number',
    conf: inLocation('            proxy_next_upstream_tries x;'),
    error: `${F}:6:13: "proxy_next_upstream_tries" directive invalid number`,
    nginx: 'same',
  },
  {
    name: 'bad time unit',
    conf: inLocation('            proxy_connect_timeout 1x;'),
    error: `${F}:6:13: "proxy_connect_timeout" directive invalid value`,
    nginx: 'same',
  },
  {
    name: 'years in a millisecond timeout',
    conf: inLocation('            proxy_send_timeout 1y;'),
    error: `${F}:6:13: "proxy_send_timeout" directive invalid value`,
    nginx: 'same',
  },
  {
    name: 'same timeout twice at one level',
    conf: inLocation('            proxy_read_timeout 1s;', '            proxy_read_timeout 2s;'),
    error: `${F}:7:13: "proxy_read_timeout" directive is duplicate`,
    nginx: 'same',
  },
  {
    name: 'proxy_http_version 2.0',
    conf: inLocation('            proxy_http_version 2.0;'),
    error: `${F}:6:32: invalid value "2.0"`,
    nginx: 'same',
  },
  {
    name: 'proxy_set_header without value',
    conf: inLocation('            proxy_set_header X-A;'),
    error: `${F}:6:13: invalid number of arguments in "proxy_set_header" directive`,
    nginx: 'same',
  },
  {
    name: 'add_header with a bad flag',
    conf: inLocation('            add_header X-A b never;'),
    error: `${F}:6:30: invalid parameter "never"`,
    nginx: 'same',
  },
  {
    name: 'return code that is not a number',
    conf: inLocation('            return abc;'),
    error: `${F}:6:20: invalid return code "abc"`,
    nginx: 'same',
  },
  {
    name: 'return code above 999',
    conf: inLocation('            return 1000;'),
    error: `${F}:6:20: invalid return code "1000"`,
    nginx: 'same',
  },
  {
    name: 'bad client_max_body_size',
    conf: inHttp('    client_max_body_size 1x;'),
    error: `${F}:3:5: "client_max_body_size" directive invalid value`,
    nginx: 'same',
  },
  {
    name: 'keepalive_timeout twice',
    conf: inHttp('    keepalive_timeout 10;', '    keepalive_timeout 20;'),
    error: `${F}:4:5: "keepalive_timeout" directive is duplicate`,
    nginx: 'same',
  },
  // upstream-lab's own syntax
  {
    name: 'slow_start with ip_hash',
    conf: inHttp(
      '    upstream b {',
      '        ip_hash;',
      '        server 127.0.0.1:9001; # upstream-lab: slow_start=10s',
      '    }',
    ),
    error: `${F}:5:48: balancing method does not support parameter "slow_start=10s"`,
    nginx: 'accepts',
  },
  {
    name: 'server parameters in a comment that follows no server line',
    conf: inHttp(
      '    upstream b {',
      '        # upstream-lab: slow_start=10s',
      '        server 127.0.0.1:9001;',
      '    }',
    ),
    error: `${F}:4:9: upstream-lab server parameters must follow a "server" line`,
    nginx: 'accepts',
  },
  {
    name: 'nginx parameter in an upstream-lab comment',
    conf: inHttp('    upstream b {', '        server 127.0.0.1:9001; # upstream-lab: weight=2', '    }'),
    error: `${F}:4:48: invalid upstream-lab server parameter "weight=2"`,
    nginx: 'accepts',
  },
  {
    name: 'unknown upstream-lab directive',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        # upstream-lab: sticky cookie',
      '    }',
    ),
    error: `${F}:5:25: unknown upstream-lab directive "sticky"`,
    nginx: 'accepts',
  },
  {
    name: 'upstream-lab comment outside an upstream',
    conf: inServer('        # upstream-lab: health_check uri=/health'),
    error: `${F}:5:9: upstream-lab comments are only understood inside an upstream block`,
    nginx: 'accepts',
  },
  {
    name: 'two health checks for one upstream',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        # upstream-lab: health_check uri=/a',
      '        # upstream-lab: health_check uri=/b',
      '    }',
    ),
    error: `${F}:6:9: duplicate health check in upstream "b"`,
    nginx: 'accepts',
  },
  {
    name: 'health check with fails=0',
    conf: inHttp(
      '    upstream b {',
      '        server 127.0.0.1:9001;',
      '        # upstream-lab: health_check fails=0',
      '    }',
    ),
    error: `${F}:5:38: invalid parameter "fails=0"`,
    nginx: 'accepts',
  },
  {
    name: 'nginx Plus health_check in a location without an upstream block',
    conf: inLocation('            proxy_pass http://127.0.0.1:9001;', '            health_check;'),
    error: `${F}:7:13: "health_check" needs a "proxy_pass" to an upstream block in the same location`,
    nginx: { reason: 'unknown directive "health_check"', line: 7 },
  },
];
