import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { BackendSet } from '../support/backends';
import { nginxBinary, requires } from '../support/prerequisites';
import { normalizeAccess, removeLogDirs, runBoth } from './logs-support';

const hasNginx = nginxBinary() !== undefined;

describe.runIf(requires('nginx', hasNginx, 'install nginx-light'))(
  'access_log and log_format as nginx 1.22',
  () => {
    let backends: BackendSet;
    beforeAll(async () => {
      backends = await BackendSet.start({ A: 'ok', B: 'refuse', C: 'status:500' });
    });
    afterAll(() => backends.close());
    afterEach(() => removeLogDirs());

    const conf = (): string => `
events {}
http {
  log_format t '$remote_addr - $remote_user "$request" $status $body_bytes_sent "$http_referer" '
               '"$http_user_agent" $upstream_addr $upstream_status "$http_x_odd" $request_method $uri $args';
  log_format j escape=json '{"ua":"$http_user_agent","x":"$http_x_odd","up":"$upstream_addr","no":"$http_x_none"}';
  log_format n escape=none 'none:$http_x_odd:$http_x_none:$status';
  upstream ok { server ${backends.get('A').address}; }
  upstream refused { server ${backends.get('B').address}; }
  upstream err { server ${backends.get('C').address}; }
  server {
    listen 127.0.0.1:{PORT};
    server_name localhost;
    access_log {LOGS}/access.log;
    access_log {LOGS}/t.log t;
    access_log {LOGS}/j.log j buffer=4k flush=1s;
    access_log {LOGS}/n.log n;
    location / { proxy_pass http://ok; }
    location /refused { proxy_pass http://refused; }
    location /err { proxy_pass http://err; }
    location /off { access_log off; proxy_pass http://ok; }
    location /own { access_log {LOGS}/own.log t; proxy_pass http://ok; }
    location = /ret { return 204; }
  }
}`;

    const get = (target: string, headers: string[] = []): string =>
      [`GET ${target} HTTP/1.1`, 'Host: x', ...headers, 'Connection: close', '', ''].join('\r\n');

    const requests = (): string[] => [
      get('/a?b=1', ['User-Agent: curl/8', 'Referer: http://r/']),
      get('/refused'),
      get('/err/x'),
      get('/off'),
      get('/own'),
      get('/ret'),
      get('/q', ['X-Odd: a"b\\c\xe9 d', 'User-Agent: tab\there']),
      'GET /old HTTP/1.0\r\n\r\n',
    ];

    test('the same lines in every format, file by file', async () => {
      const { nginx, ours } = await runBoth(conf(), requests());
      for (const file of ['access.log', 't.log', 'j.log', 'n.log', 'own.log']) {
        const expected = normalizeAccess(await nginx.read(file));
        expect(expected.length, `nginx wrote ${file}`).toBeGreaterThan(0);
        expect(normalizeAccess(await ours.read(file)), file).toEqual(expected);
      }
    });
  },
);
