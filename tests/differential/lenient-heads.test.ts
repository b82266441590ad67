import { describeScenarios } from '../support/differential';
import type { ExpectedObservation } from '../support/expectations';
import { request, type Scenario } from '../support/scenarios';

/**
 * What nginx 1.22 accepts beyond the strict grammar, and exactly what it then sends upstream: bare
 * LF line ends, a token method, HTTP/1.x minors above 1, a header line without a colon (passed on
 * empty), invalid names dropped (ignore_invalid_headers), `_` in names with underscores_in_headers,
 * control characters in a value. The echo backend shows the head it received.
 */

const echoed = (lines: string[]): ExpectedObservation => ({
  status: 200,
  body: `${lines.join('\r\n')}\r\n\r\n`,
  upstreamAddrs: ['A'],
  upstreamStatuses: ['200'],
});

const upstreamHead = (requestLine: string, ...rest: string[]): string[] => [
  requestLine,
  'Host: backend',
  'Connection: close',
  ...rest,
];

const scenario = (name: string, raw: string, lines: string[], server?: string): Scenario => ({
  name,
  upstream: 'server {A};',
  modes: { A: 'echo' },
  ...(server ? { server } : {}),
  steps: [request({ raw }, echoed(lines))],
});

describeScenarios('lenient request heads, as nginx 1.22 reads them', [
  scenario(
    'bare LF ends every line',
    'GET /p HTTP/1.1\nHost: localhost\nUser-Agent: t\nConnection: close\n\n',
    upstreamHead('GET /p HTTP/1.0', 'User-Agent: t'),
  ),
  scenario(
    'a token method nginx does not know',
    'FOO-BAR /p HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    upstreamHead('FOO-BAR /p HTTP/1.0'),
  ),
  scenario(
    'HTTP/1.2',
    'GET /p HTTP/1.2\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    upstreamHead('GET /p HTTP/1.0'),
  ),
  scenario(
    'spaces around the target and after the version',
    'GET   /p   HTTP/1.1  \r\nHost: localhost\r\nConnection: close\r\n\r\n',
    upstreamHead('GET /p HTTP/1.0'),
  ),
  scenario(
    'invalid header lines are dropped, a line without a colon is passed on empty',
    'GET /p HTTP/1.1\r\nHost: localhost\r\nFoo\r\nA_b: 1\r\nX.y: 2\r\nX@y: 3\r\nZ: a\x01b\r\nConnection: close\r\n\r\n',
    upstreamHead('GET /p HTTP/1.0', 'Foo: ', 'Z: a\x01b'),
  ),
  scenario(
    'underscores_in_headers on keeps A_b',
    'GET /p HTTP/1.1\r\nHost: localhost\r\nA_b: 1\r\nX.y: 2\r\nConnection: close\r\n\r\n',
    upstreamHead('GET /p HTTP/1.0', 'A_b: 1'),
    'underscores_in_headers on;',
  ),
  scenario(
    'ignore_invalid_headers off passes X.y on',
    'GET /p HTTP/1.1\r\nHost: localhost\r\nX.y: 2\r\nConnection: close\r\n\r\n',
    upstreamHead('GET /p HTTP/1.0', 'X.y: 2'),
    'ignore_invalid_headers off;',
  ),
]);
