import { afterEach, describe, expect, test } from 'vitest';
import { runCleanups, send, serverLines, startProxy } from './support/proxy';

afterEach(runCleanups);

describe('a lab whose replicas are starting (beyond nginx)', () => {
  const conf = { upstream: serverLines(['127.0.0.1:9']) };

  test('no live upstream while starting: 503 "replicas starting" with Retry-After, not 502', async () => {
    const proxy = await startProxy(conf, undefined, {
      resolve: async () => ({
        addresses: [{ host: '127.0.0.1', port: 9 }],
        name: 'backend1',
        healthy: false,
      }),
    });
    const [upstream] = proxy.balancer.snapshot();
    proxy.balancer.setUpstreamStarting(upstream!.name, true);
    const starting = await send(proxy.url());
    expect(starting.status).toBe(503);
    expect(starting.headers['retry-after']).toBe('2');
    expect(starting.body).toContain('replicas starting');

    // Once nothing is starting any more, "no live upstreams" is nginx's 502 again.
    proxy.balancer.setUpstreamStarting(upstream!.name, false);
    const failed = await send(proxy.url());
    expect(failed.status).toBe(502);
    expect(failed.body).toContain('502 Bad Gateway');
  });
});
