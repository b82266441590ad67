import { describe, expect, test } from 'vitest';
import { Balancer } from '../../core/balancer';
import { nginxBinary, requires } from '../support/prerequisites';
import { nginxTest } from './support/nginx-test-run';
import { FILE, parse, parseError } from './support/parse-helpers';

/**
 * Values nginx compiles with variables (proxy_set_header, add_header, return, hash) are refused
 * as nginx refuses them. nginx names no line for an unknown variable (it resolves them after
 * reading the whole file): `line: 0`; we point at the argument.
 */
interface VariableCase {
  name: string;
  conf: string;
  error: string;
  nginx: { reason: string; line: number };
}

const inLocation = (...lines: string[]): string =>
  [
    'events {}',
    'http {',
    '    upstream b { server 127.0.0.1:9001; }',
    '    server {',
    '        listen 127.0.0.1:18080;',
    '        location / {',
    ...lines,
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');

const CASES: VariableCase[] = [
  {
    name: 'unknown variable in add_header',
    conf: inLocation('            add_header X-A "a $foo";', '            return 200;'),
    error: `${FILE}:7:28: unknown "foo" variable`,
    nginx: { reason: 'unknown "foo" variable', line: 0 },
  },
  {
    name: 'unknown variable in return text, lower-cased as nginx keys it',
    conf: inLocation('            return 200 "a${Bar}b";'),
    error: `${FILE}:7:24: unknown "bar" variable`,
    nginx: { reason: 'unknown "bar" variable', line: 0 },
  },
  {
    name: 'unknown variable in proxy_set_header',
    conf: inLocation('            proxy_pass http://b;', '            proxy_set_header X-A $upstream_foo;'),
    error: `${FILE}:8:34: unknown "upstream_foo" variable`,
    nginx: { reason: 'unknown "upstream_foo" variable', line: 0 },
  },
  {
    name: 'unknown variable in a return URL',
    conf: inLocation('            return http://$hots/;'),
    error: `${FILE}:7:20: unknown "hots" variable`,
    nginx: { reason: 'unknown "hots" variable', line: 0 },
  },
  {
    name: 'unknown variable in a hash key',
    conf: inLocation('            return 200;').replace(
      'upstream b { server',
      'upstream h { hash $nope; server 127.0.0.1:9002; }\n    upstream b { server',
    ),
    error: `${FILE}:3:23: unknown "nope" variable`,
    nginx: { reason: 'unknown "nope" variable', line: 0 },
  },
  {
    name: 'unknown variable in proxy_pass',
    conf: inLocation('            proxy_pass http://$pool_name;'),
    error: `${FILE}:7:24: unknown "pool_name" variable`,
    nginx: { reason: 'unknown "pool_name" variable', line: 0 },
  },
  {
    name: 'a lone $ in proxy_pass',
    conf: inLocation('            proxy_pass http://127.0.0.1:$;'),
    error: `${FILE}:7:24: invalid variable name`,
    nginx: { reason: 'invalid variable name', line: 7 },
  },
  {
    name: 'a lone $',
    conf: inLocation('            return 200 "a$ b";'),
    error: `${FILE}:7:24: invalid variable name`,
    nginx: { reason: 'invalid variable name', line: 7 },
  },
  {
    name: 'a variable without its closing bracket',
    conf: inLocation('            add_header X "${host x";', '            return 200;'),
    error: `${FILE}:7:26: the closing bracket in "host" variable is missing`,
    nginx: { reason: 'the closing bracket in "host" variable is missing', line: 7 },
  },
];

describe('variables nginx does not know are refused at FILE:LINE:COL in nginx words', () => {
  test.each(CASES)('$name', ({ conf, error }) => {
    expect(parseError(conf)).toBe(error);
  });

  test('the variables nginx has, captures and ${} forms parse', () => {
    const vars = [
      'upstream_connect_time',
      'upstream_header_time',
      'upstream_bytes_received',
      'upstream_cache_status',
      'upstream_response_time',
      'request_length',
      'connection',
      'msec',
      'time_iso8601',
      'arg_x',
      'cookie_sid',
      'sent_http_content_type',
      'http_user_agent',
      'upstream_http_server',
    ];
    const text = `${vars.map((v) => `$${v}`).join(' ')} $1 \${Host}`;
    const conf = inLocation(`            add_header X-V "${text}";`, `            return 200 "${text}";`);
    // The balancer compiles every value: it must know them all too.
    expect(() => new Balancer(parse(conf).config)).not.toThrow();
  });
});

const nginx = nginxBinary();
if (requires('nginx', nginx !== undefined, 'install nginx-light to compare with nginx -t')) {
  describe('nginx -t on the same configs', () => {
    test.each(CASES)('$name', async ({ conf, nginx: wanted }) => {
      const result = await nginxTest(nginx ?? 'nginx', conf);
      expect(result.ok).toBe(false);
      expect(result.emerg, result.output).toStrictEqual({ message: wanted.reason, line: wanted.line });
    });
  });
}
