import { afterEach, describe, expect, test } from 'vitest';
import { nginxBinary, requires } from '../support/prerequisites';
import { normalizeAccess, removeLogDirs, runBoth } from './logs-support';

/**
 * Heads nginx refuses before they become requests still reach its access log (the server level's):
 * `$request` as far as it was read, the request line's parts `-` while the line itself was refused,
 * `$request_length` the bytes of the lines accepted, `$bytes_sent` the error page sent.
 */

const hasNginx = nginxBinary() !== undefined;

const conf = `
events {}
http {
  log_format all '$status "$request" m=$request_method u=$request_uri uri=$uri p=$server_protocol '
                 'bs=$bytes_sent bbs=$body_bytes_sent rl=$request_length h=$host hh=$http_host '
                 'ua="$http_user_agent" up=$upstream_addr';
  server {
    listen 127.0.0.1:{PORT};
    access_log {LOGS}/access.log all;
    location / { return 200 "ok"; }
  }
  server {
    listen 127.0.0.1:{PORT};
    server_name other;
    access_log {LOGS}/other.log all;
    location / { return 200 "other"; }
  }
}`;

describe.runIf(requires('nginx', hasNginx, 'install nginx-light'))(
  'refused heads in the access log, as nginx 1.22',
  () => {
    afterEach(() => removeLogDirs());

    test('request-line and header errors, pipelined ones, HEAD and HTTP/0.9', async () => {
      const requests = [
        'GARBAGE\r\n\r\n',
        'GET\r\n\r\n',
        'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n',
        'GET / HTTP/3.0\r\nHost: a\r\n\r\n',
        `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
        'GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n',
        'GET / HTTP/1.1\r\nHost: other\r\nBad Header: x\r\n\r\n',
        'GET /x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
        'GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n',
        'HEAD / HTTP/1.1\r\nUser-Agent: x\r\n\r\n',
        'GET / HTTP/1.1\r\nHost: a\r\n\r\nGARBAGE\r\n\r\n',
        `GET / HTTP/1.1\r\nHost: a\r\nX: ${'b'.repeat(40_000)}\r\n\r\n`,
        'GET /ok HTTP/1.0\r\nHost: a\r\n\r\n',
      ];
      const { nginx, ours } = await runBoth(conf, requests);
      for (const file of ['access.log', 'other.log']) {
        const expected = normalizeAccess(await nginx.read(file)).map((l) => l.slice(0, 400));
        expect(expected.length, `nginx wrote ${file}`).toBeGreaterThan(0);
        expect(
          normalizeAccess(await ours.read(file)).map((l) => l.slice(0, 400)),
          file,
        ).toEqual(expected);
      }
    });
  },
);
