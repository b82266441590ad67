import { describe, expect, test } from 'vitest';
import { nginxBinary, requires } from '../support/prerequisites';
import { nginxTest } from './support/nginx-test-run';
import { FILE, parse, parseError } from './support/parse-helpers';

/** error_page and proxy_intercept_errors: what nginx -t refuses, refused with its words. */
const inLocation = (line: string): string =>
  [
    'events {}',
    'http {',
    '    server {',
    '        listen 127.0.0.1:18080;',
    '        location / {',
    '            proxy_pass http://127.0.0.1:9001;',
    line,
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');

const CASES: Array<{ line: string; error: string; nginxLine?: number }> = [
  {
    line: '            error_page 404;',
    error: '7:13: invalid number of arguments in "error_page" directive',
  },
  { line: '            error_page = /x;', error: '7:24: invalid value "="' },
  { line: '            error_page 404 =abc /x;', error: '7:28: invalid value "=abc"' },
  { line: '            error_page 200 /x;', error: '7:24: value "200" must be between 300 and 599' },
  { line: '            error_page 499 /x;', error: '7:24: invalid value "499"' },
  { line: '            error_page 404 abc /x;', error: '7:28: invalid value "abc"' },
  { line: '            error_page 404 /$foo;', error: '7:28: unknown "foo" variable', nginxLine: 0 },
  {
    line: '            proxy_intercept_errors yes;',
    error: '7:36: invalid value "yes" in "proxy_intercept_errors" directive, it must be "on" or "off"',
  },
  {
    line: '            proxy_intercept_errors on; proxy_intercept_errors off;',
    error: '7:40: "proxy_intercept_errors" directive is duplicate',
  },
  {
    line: '            recursive_error_pages maybe;',
    error: '7:35: invalid value "maybe" in "recursive_error_pages" directive, it must be "on" or "off"',
  },
];

describe('error_page and proxy_intercept_errors refused as nginx refuses them', () => {
  test.each(CASES)('$line', ({ line, error }) => {
    expect(parseError(inLocation(line))).toBe(`${FILE}:${error}`);
  });

  test('recursive_error_pages: off is what runs, on is reported as unsupported', () => {
    const unsupported = (line: string): string[] =>
      parse(inLocation(line))
        .warnings.filter((w) => w.kind === 'unsupported')
        .map((w) => w.message);
    expect(unsupported('            recursive_error_pages off;')).toStrictEqual([]);
    expect(unsupported('            recursive_error_pages on;')).toStrictEqual([
      `"recursive_error_pages on" is not supported; ignored (an error_page target's own errors get the plain page)`,
    ]);
  });

  test('codes, =RESPONSE, bare = and URLs are read; the innermost level with any wins', () => {
    const conf = inLocation('            error_page 502 504 =200 /oops; error_page 404 = http://x/$uri;')
      .replace('    server {', '    error_page 500 /http;\n    server {')
      .replace('        location / {', '        location /inherits { return 200; }\n        location / {');
    const [inherits, own] = parse(conf).config.servers[0]!.locations;
    expect(inherits!.errorPages).toStrictEqual([{ codes: [500], uri: '/http' }]);
    expect(own!.errorPages).toStrictEqual([
      { codes: [502, 504], response: 200, uri: '/oops' },
      { codes: [404], response: 0, uri: 'http://x/$uri' },
    ]);
  });
});

const nginx = nginxBinary();
if (requires('nginx', nginx !== undefined, 'install nginx-light to compare with nginx -t')) {
  describe('nginx -t on the same configs', () => {
    test.each(CASES)('$line', async ({ line, error, nginxLine }) => {
      const result = await nginxTest(nginx ?? 'nginx', inLocation(line));
      const reason = error.replace(/^\d+:\d+: /, '');
      expect(result.emerg, result.output).toStrictEqual({ message: reason, line: nginxLine ?? 7 });
    });
  });
}
