import { describe, expect, test } from 'vitest';
import { headStatus, uriStatus, validHost } from '../../core/balancer/client-request-checks';

/**
 * nginx 1.22's client-side checks as the balancer applies them, case by case (each verdict was
 * read off the real binary; malformed.test.ts compares them with it at random).
 */

describe('ngx_http_validate_host', () => {
  test.each([
    'localhost',
    'a.b',
    '.a',
    'a.',
    '[::1',
    '[::1]:80',
    'a:b',
    'a:80:90',
    'a_b',
    'a@b',
    'a\\b',
    'é',
  ])('%j is a valid Host', (host) => expect(validHost(host)).toBe(true));
  test.each(['', 'a/b', '..', 'a..b', '.', '::1', ':80', 'a b', 'a\tb', 'a\x7fb', '[a..b]', 'a:1..2'])(
    '%j is not',
    (host) => expect(validHost(host)).toBe(false),
  );
});

describe('the request target', () => {
  test.each([
    ['/a/b?x=%zz', 0],
    ['/a/%2e%2e', 0],
    ['/a#/../..', 0],
    ['/%41%2F%25', 0],
    ['/%zz', 400],
    ['/%2', 400],
    ['/a%', 400],
    ['/%00', 400],
    ['/..', 400],
    ['//..', 400],
    ['/a/%2e%2e/%2e%2e', 400],
    ['/a%2f..%2f..%2fb', 400],
    ['*', 400],
    ['http://a/b', 0],
    ['http://[::1]:80/x', 0],
    ['http://a:/', 0],
    ['http://a?b', 0],
    ['http://a_b/', 400],
    ['http://a@b/', 400],
    ['http://a:80:80/', 400],
    ['http://../', 400],
    ['http:///x', 400],
    ['http://[::1/', 400],
    ['http://a/../..', 400],
  ])('%j: %i', (url, status) => expect(uriStatus(url)).toBe(status));
});

const head = (headers: Array<[string, string]>, extra: Partial<Parameters<typeof headStatus>[0]> = {}) =>
  headStatus({
    method: 'GET',
    url: '/',
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    rawHeaders: [['Host', 'localhost'], ...headers].flat(),
    ...extra,
  });

/** `count` header lines of `length` bytes each, CRLF included. */
const lines = (count: number, length: number): Array<[string, string]> =>
  Array.from({ length: count }, (_, i) => [`X-${i}`, 'v'.repeat(length - `X-${i}`.length - 4)]);

describe('the head', () => {
  test('large_client_header_buffers 4 8k: lines are packed as nginx does; too large is 494 (sent as 400)', () => {
    expect(head(lines(1, 8192))).toBe(0);
    expect(head(lines(1, 8193))).toBe(494);
    expect(head(lines(4, 8000))).toBe(0);
    expect(head(lines(5, 5000))).toBe(494);
    expect(head(lines(8, 4000))).toBe(0);
    // Four full buffers leave no room for the empty line that ends the head.
    expect(head(lines(8, 4096))).toBe(494);
    // Debian's build takes at most 1,000 header lines.
    expect(head(lines(999, 12))).toBe(0);
    expect(head(lines(1000, 12))).toBe(494);
  });

  test('a request line of more than 8k is 414', () => {
    // "GET /aaa... HTTP/1.1\r\n" is the path's length plus 16.
    expect(head([], { url: `/${'a'.repeat(8192 - 16)}` })).toBe(0);
    expect(head([], { url: `/${'a'.repeat(8193 - 16)}` })).toBe(414);
  });

  test('version, Host, repeated headers, Transfer-Encoding, TRACE', () => {
    expect(head([], { httpVersionMajor: 2, httpVersionMinor: 0 })).toBe(505);
    expect(head([], { httpVersionMajor: 0, httpVersionMinor: 9 })).toBe(400);
    expect(head([], { rawHeaders: [] })).toBe(400);
    expect(head([], { rawHeaders: [], httpVersionMinor: 0 })).toBe(0);
    expect(head([['host', 'other']])).toBe(400);
    expect(
      head([
        ['If-Match', 'a'],
        ['if-match', 'b'],
      ]),
    ).toBe(400);
    expect(
      head([
        ['Cookie', 'a'],
        ['Cookie', 'b'],
      ]),
    ).toBe(0);
    expect(head([['Transfer-Encoding', 'Chunked']])).toBe(0);
    expect(head([['Transfer-Encoding', 'gzip, chunked']])).toBe(501);
    expect(
      head([
        ['Transfer-Encoding', 'gzip'],
        ['Content-Length', '3'],
      ]),
    ).toBe(501);
    expect(
      head([
        ['Transfer-Encoding', 'chunked'],
        ['Content-Length', '3'],
      ]),
    ).toBe(400);
    expect(head([['Transfer-Encoding', 'chunked']], { httpVersionMinor: 0 })).toBe(400);
    expect(head([], { method: 'TRACE' })).toBe(405);
    expect(head([['Content-Length', '9223372036854775807']], { method: 'TRACE' })).toBe(405);
    expect(head([['Content-Length', '9223372036854775808']], { method: 'TRACE' })).toBe(400);
  });
});
