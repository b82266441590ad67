import { describe, expect, test } from 'vitest';
import { RequestHeadReader } from '../../core/http1/request-head-reader';

/** What a head that used to stop Node's parser gets now (verdicts read off nginx 1.22.1). */
const verdict = (text: string): number | 'more' | 'head' => {
  const reader = new RequestHeadReader({ underscoresInHeaders: false, ignoreInvalidHeaders: true });
  const step = reader.push(Buffer.from(text, 'latin1'));
  return step.kind === 'error' ? step.status : step.kind;
};

describe('heads nginx refuses, and its status', () => {
  test.each([
    ['HTTP/3.0', 'GET / HTTP/3.0\r\nHost: a\r\n\r\n', 505],
    ['HTTP/10.1', 'GET / HTTP/10.1\r\nHost: a\r\n\r\n', 505],
    ['HTTP/1.x', 'GET / HTTP/1.x\r\nHost: a\r\n\r\n', 400],
    ['a bad absolute URI before HTTP/2', 'GET http://[::1:/ HTTP/2\r\nHost: a\r\n\r\n', 400],
    [
      'Content-Length with Transfer-Encoding: gzip',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: gzip\r\n\r\nabc',
      501,
    ],
    [
      'Content-Length with Transfer-Encoding: chunked',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      400,
    ],
    [
      'the same without Host',
      'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: gzip\r\n\r\nabc',
      400,
    ],
    ['a 40k target', `GET /${'a'.repeat(40_000)}`, 414],
    // 494: sent as 400 with nginx's "Request Header Or Cookie Too Large" page.
    ['a 40k header', `GET / HTTP/1.1\r\nHost: a\r\nX: ${'b'.repeat(40_000)}`, 494],
    ['a space in a name', 'GET / HTTP/1.1\r\nHost: a\r\nFoo Bar: x\r\n\r\n', 400],
  ])('%s', (_, text, status) => expect(verdict(text)).toBe(status));

  test('a head that has not ended yet waits for more', () => {
    expect(verdict('GET / HT')).toBe('more');
    expect(verdict('GET / HTTP/1.1\r\nHost: a\r\n')).toBe('more');
  });
});
