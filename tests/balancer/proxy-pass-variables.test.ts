import { afterEach, expect, test } from 'vitest';
import { Balancer } from '../../core/balancer';
import { parseNginxConfig } from '../../core/nginx';
import { TestDns } from '../support/dns-server';
import { freePort } from '../support/target';
import { defer, runCleanups, send } from './support/proxy';
import { RawUpstream, response } from './support/raw-upstream';

afterEach(runCleanups);

async function start(locations: string): Promise<{ balancer: Balancer; port: number; errors: string[] }> {
  const port = await freePort();
  const text = `events {}
http {
  upstream pool { server 127.0.0.1:1; }
  server {
    listen 127.0.0.1:${port};
${locations}
  }
}`;
  const balancer = new Balancer(parseNginxConfig(text, 'test.conf').config);
  const errors: string[] = [];
  balancer.events.on('error-log', ({ line }) => errors.push(line));
  defer(() => balancer.close(100));
  await balancer.listen();
  return { balancer, port, errors };
}

test('targets made per request never reach the balancer state or its snapshot', async () => {
  const upstreams = await Promise.all([0, 1, 2].map(() => RawUpstream.start(() => response('ok'))));
  const { balancer, port } = await start('    location / { proxy_pass http://127.0.0.1:$arg_port; }');
  for (let i = 0; i < 30; i++) {
    const reply = await send(`http://127.0.0.1:${port}/?port=${upstreams[i % 3]!.port}`);
    expect(reply.status).toBe(200);
  }
  expect(balancer.upstreamNames).toEqual(['pool']);
  expect(balancer.snapshot().map((u) => u.name)).toEqual(['pool']);
  expect(balancer.snapshot()[0]!.peers).toHaveLength(1);
});

test('a resolver that never answers: 502 after resolver_timeout, in nginx words', async () => {
  const dns = await TestDns.start({});
  defer(() => dns.close());
  dns.silent.add('quiet.test');
  const { port, errors } = await start(
    `    location / { resolver ${dns.address}; resolver_timeout 200ms; proxy_pass http://$http_x_name$request_uri; }`,
  );
  const started = Date.now();
  const reply = await send(`http://127.0.0.1:${port}/x`, { headers: { 'x-name': 'quiet.test' } });
  expect(reply.status).toBe(502);
  expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  expect(errors.join('\n')).toContain('quiet.test could not be resolved (110: Operation timed out)');
});

test('a client gone while its name is being resolved ends the request without an attempt', async () => {
  const dns = await TestDns.start({});
  defer(() => dns.close());
  dns.silent.add('quiet.test');
  const upstream = await RawUpstream.start(() => response('late'));
  const { port } = await start(
    `    location / { resolver ${dns.address}; resolver_timeout 300ms; proxy_pass http://$http_x_name:${upstream.port}; }`,
  );
  const aborted = new AbortController();
  const request = fetch(`http://127.0.0.1:${port}/`, {
    headers: { 'x-name': 'quiet.test' },
    signal: aborted.signal,
  }).catch(() => 'aborted');
  setTimeout(() => aborted.abort(), 50);
  expect(await request).toBe('aborted');
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(upstream.requests).toHaveLength(0);
});
