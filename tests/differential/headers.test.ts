import { describeScenarios } from '../support/differential';
import type { ExpectedObservation } from '../support/expectations';
import { get, post, request } from '../support/scenarios';

/** The seed configuration's proxy_set_header set (§8). */
const SEED_HEADERS = `
  proxy_set_header Host $host;
  proxy_set_header X-Real-IP $remote_addr;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto $scheme;
  proxy_set_header X-Forwarded-Host $server_name;
`;

/** A's echo of the request it received: the head lines, then the body. */
const echoed = (lines: string[], body = ''): ExpectedObservation => ({
  status: 200,
  body: `${lines.join('\r\n')}\r\n\r\n${body}`,
  upstreamAddrs: ['A'],
  upstreamStatuses: ['200'],
});

const seedHead = (requestLine: string, host: string, xff: string): string[] => [
  requestLine,
  `Host: ${host}`,
  'X-Real-IP: 127.0.0.1',
  `X-Forwarded-For: ${xff}`,
  'X-Forwarded-Proto: http',
  'X-Forwarded-Host: localhost',
  'Connection: close',
];

const seedRequest = [
  'GET /p/../q?x=1&y=%41 HTTP/1.1',
  'Host: Example.COM:8080',
  'User-Agent: t',
  'X-Forwarded-For: 10.0.0.1',
  'X-Forwarded-For: 10.0.0.2',
  'Connection: keep-alive',
  'Keep-Alive: timeout=5',
  'TE: trailers',
  'Upgrade: websocket',
  'X-Real-IP: 1.2.3.4',
  'Accept: */*',
].join('\r\n');

const bodyHeaders = (framing: [string, string]): Array<[string, string]> => [
  ['Host', 'localhost'],
  ['User-Agent', 't'],
  framing,
  ['Connection', 'close'],
];

describeScenarios('T15 request headers sent upstream', [
  {
    name: 'T15 seed proxy_set_header set',
    upstream: 'server {A};',
    modes: { A: 'echo' },
    location: SEED_HEADERS,
    steps: [
      request(
        { raw: `${seedRequest}\r\n\r\n` },
        echoed([
          ...seedHead('GET /p/../q?x=1&y=%41 HTTP/1.0', 'example.com', '10.0.0.1, 10.0.0.2, 127.0.0.1'),
          'User-Agent: t',
          'Accept: */*',
        ]),
      ),
    ],
  },
  {
    name: 'T15 POST with Content-Length and Expect: 100-continue',
    upstream: 'server {A};',
    modes: { A: 'echo' },
    location: SEED_HEADERS,
    steps: [
      post(
        {
          ...echoed(
            [...seedHead('POST / HTTP/1.0', 'localhost', '127.0.0.1'), 'Content-Length: 5', 'User-Agent: t'],
            'hello',
          ),
          interim: [100],
        },
        {
          headers: [...bodyHeaders(['Content-Length', '5']), ['Expect', '100-continue']],
        },
      ),
    ],
  },
  {
    name: 'T15 chunked POST is forwarded with Content-Length',
    upstream: 'server {A};',
    modes: { A: 'echo' },
    location: SEED_HEADERS,
    steps: [
      post(
        echoed(
          [...seedHead('POST / HTTP/1.0', 'localhost', '127.0.0.1'), 'Content-Length: 5', 'User-Agent: t'],
          'hello',
        ),
        { chunked: true, headers: bodyHeaders(['Transfer-Encoding', 'chunked']) },
      ),
    ],
  },
  {
    name: 'T15 HTTP/1.0 without Host gets the first server_name',
    upstream: 'server {A};',
    modes: { A: 'echo' },
    location: SEED_HEADERS,
    steps: [
      request(
        { raw: 'GET / HTTP/1.0\r\n\r\n' },
        echoed(seedHead('GET / HTTP/1.0', 'localhost', '127.0.0.1')),
      ),
    ],
  },
  {
    name: 'T15 no proxy_set_header: Host is the upstream name, XFF copied',
    upstream: 'server {A};',
    modes: { A: 'echo' },
    steps: [
      get(
        echoed([
          'GET / HTTP/1.0',
          'Host: backend',
          'Connection: close',
          'User-Agent: t',
          'X-Forwarded-For: 10.0.0.1',
        ]),
        {
          headers: [
            ['Host', 'Example.COM'],
            ['User-Agent', 't'],
            ['X-Forwarded-For', '10.0.0.1'],
            ['Connection', 'close'],
          ],
        },
      ),
    ],
  },
  {
    name: 'T15 proxy_http_version 1.1 still sends Connection: close',
    upstream: 'server {A};',
    modes: { A: 'echo' },
    location: 'proxy_http_version 1.1;',
    steps: [
      get(echoed(['GET / HTTP/1.1', 'Host: backend', 'Connection: close', 'User-Agent: t']), {
        headers: [
          ['Host', 'localhost'],
          ['User-Agent', 't'],
          ['Connection', 'close'],
        ],
      }),
    ],
  },
  {
    name: 'T15 proxy_http_version 1.1 with Connection "" sends no Connection header',
    upstream: 'server {A};',
    modes: { A: 'echo' },
    location: 'proxy_http_version 1.1; proxy_set_header Connection "";',
    steps: [
      get(echoed(['GET / HTTP/1.1', 'Host: backend', 'User-Agent: t']), {
        headers: [
          ['Host', 'localhost'],
          ['User-Agent', 't'],
          ['Connection', 'close'],
        ],
      }),
    ],
  },
]);
