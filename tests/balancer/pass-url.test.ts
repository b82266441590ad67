import { describe, expect, test } from 'vitest';
import { parsePassUrl } from '../../core/balancer/pass-url';

/** ngx_http_proxy_eval + ngx_parse_url on the evaluated URL (messages as nginx 1.22 logs them). */
describe('an evaluated proxy_pass URL', () => {
  test.each([
    ['http://pool', { host: 'pool', port: 80, noPort: true, hostHeader: 'pool' }],
    ['http://Pool:8081', { host: 'Pool', port: 8081, noPort: false, hostHeader: 'Pool:8081' }],
    ['HTTP://h:80/x', { host: 'h', port: 80, noPort: false, hostHeader: 'h', uri: '/x' }],
    ['http://127.0.0.1:9/a b?c', { host: '127.0.0.1', port: 9, hostHeader: '127.0.0.1:9', uri: '/a b?c' }],
    ['http://h?x=1', { host: 'h', hostHeader: 'h', uri: '/?x=1' }],
    ['http://[::1]:8081/', { host: '[::1]', port: 8081, hostHeader: '[::1]:8081', uri: '/' }],
    ['http://[::1]', { host: '[::1]', port: 80, hostHeader: '[::1]' }],
  ])('%s', (url, expected) => {
    expect(parsePassUrl(url)).toMatchObject(expected);
  });

  test.each([
    ['ftp://x', 'invalid URL prefix in "ftp://x"'],
    ['http://', 'invalid URL prefix in "http://"'],
    ['x', 'invalid URL prefix in "x"'],
    ['http://127.0.0.1:', 'invalid port in upstream "127.0.0.1:"'],
    ['http://127.0.0.1:x/y', 'invalid port in upstream "127.0.0.1:x/y"'],
    ['http://h:99999', 'invalid port in upstream "h:99999"'],
    ['http://h:0', 'invalid port in upstream "h:0"'],
    ['http:///x', 'no host in upstream "/x"'],
    ['http://:80', 'no host in upstream ":80"'],
    ['http://[::1', 'invalid host in upstream "[::1"'],
    ['http://[::1]x', 'invalid host in upstream "[::1]x"'],
    ['http://[zz]', 'invalid IPv6 address in upstream "[zz]"'],
    ['https://h', 'https upstreams are not supported by upstream-lab in "https://h"'],
  ])('%s is refused: %s', (url, error) => {
    expect(parsePassUrl(url)).toEqual({ error });
  });
});
