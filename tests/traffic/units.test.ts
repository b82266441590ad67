import { describe, expect, test } from 'vitest';
import { defaultBackendExtractor, generatorOptionsFor, parseDuration, parseHeader } from '../../core/traffic';
import { createLatencyHistogram, linearBuckets, recordMs } from '../../core/traffic/latency-histogram';
import { requestBytes } from '../../core/traffic/request-bytes';

describe('parseDuration', () => {
  test.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1.5h', 5_400_000],
    ['10', 10_000],
    ['0', 0],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(['', 's', '-1s', '3 days', '1e3'])('refuses %j', (text) =>
    expect(() => parseDuration(text)).toThrow(/not a duration/),
  );
});

test('requestBytes: Host, User-Agent and Content-Length unless given; our framing wins', () => {
  const text = requestBytes({
    url: new URL('http://127.0.0.1:8080/api?x=1'),
    method: 'POST',
    headers: [
      ['X-Lab', 'yes'],
      ['Content-Length', '999'],
    ],
    body: Buffer.from('héllo'),
  }).toString();
  expect(text).toBe(
    'POST /api?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: upstream-lab\r\nX-Lab: yes\r\n' +
      'Content-Length: 6\r\n\r\nhéllo',
  );
  expect(() =>
    requestBytes({
      url: new URL('http://h/'),
      method: 'GET',
      headers: [['X', 'a\r\nInjected: 1']],
      body: null,
    }),
  ).toThrow(/line break/);
});

test('parseHeader', () => {
  expect(parseHeader('X-Lab:  yes: really ')).toEqual(['X-Lab', 'yes: really']);
  expect(() => parseHeader(': value')).toThrow(/Name: value/);
});

test('defaultBackendExtractor: JSON field first, then headers, never throws', () => {
  const extract = (body: string | null, headers: string[] = []): string | null =>
    defaultBackendExtractor.extract({ status: 200, headers, body: body === null ? null : Buffer.from(body) });
  expect(extract(' {"backend":"backend2","x":1}')).toBe('backend2');
  expect(extract('{"backend":7}', ['X-Up-Addr', '10.0.0.1:80'])).toBe('10.0.0.1:80');
  expect(extract('{not json', ['x-upstream-backend', 'b3', 'X-Up-Addr', 'a'])).toBe('b3');
  expect(extract('null')).toBeNull();
  expect(extract(null)).toBeNull();
});

test('linearBuckets: ten equal ranges from the fastest to the slowest, counts add up', () => {
  const histogram = createLatencyHistogram();
  for (let i = 0; i < 90; i++) recordMs(histogram, 10);
  for (let i = 0; i < 10; i++) recordMs(histogram, 110);
  const buckets = linearBuckets(histogram);
  expect(buckets).toHaveLength(10);
  expect(buckets[0]).toMatchObject({ fromMs: 10, count: 90 });
  expect(buckets[9]).toMatchObject({ toMs: 110, count: 10 });
  expect(buckets.slice(1, 9).every((b) => b.count === 0)).toBe(true);
});

test("generatorOptionsFor: the dashboard's traffic options, aimed at the balancer only", () => {
  expect(
    generatorOptionsFor('http://127.0.0.1:8080', {
      rate: 50,
      method: 'POST',
      path: '/api/x?y=1',
      durationSec: 2,
    }),
  ).toEqual({
    url: 'http://127.0.0.1:8080/api/x?y=1',
    rate: 50,
    concurrency: undefined,
    method: 'POST',
    durationMs: 2000,
  });
  const sneaky = generatorOptionsFor('http://127.0.0.1:8080/', {
    concurrency: 1,
    method: 'GET',
    path: '//evil.example/',
    durationSec: 0,
  });
  expect(new URL(sneaky.url).host).toBe('127.0.0.1:8080');
});
