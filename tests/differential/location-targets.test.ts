import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { Balancer } from '../../core/balancer';
import { parseNginxConfig } from '../../core/nginx';
import { runCleanups } from '../balancer/support/proxy';
import { RawUpstream, response } from '../balancer/support/raw-upstream';
import { startNginx } from '../support/nginx';
import { nginxBinary, requires } from '../support/prerequisites';
import { freePort } from '../support/target';

/**
 * Request targets against `location = /secret { return 403; }`, on real nginx 1.22 and on ours:
 * the same status, and the same request line upstream (issue 10: `/secret#x` was proxied).
 */

afterEach(runCleanups);

const TARGETS = [
  '/secret',
  '/secret#x',
  '/secret#',
  '/secret?#',
  '/x/../secret#y',
  '/secret%23x',
  '/sec#ret',
  '/secret/#',
  '/#secret',
  '/a#x?b',
  '/a?b#c',
];

const LOCATIONS = `
    location = /secret { return 403; }
    location / { proxy_pass http://backend; }`;

function conf(port: number, backend: string): string {
  return `
events {}
http {
  upstream backend { server ${backend}; }
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
${LOCATIONS}
  }
}
`;
}

interface Outcome {
  status: string;
  upstreamLine: string | null;
}

function statusOf(port: number, target: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () =>
      socket.write(`GET ${target} HTTP/1.0\r\nHost: localhost\r\n\r\n`, 'latin1'),
    );
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });
}

async function outcomes(port: number, upstream: RawUpstream): Promise<Outcome[]> {
  const results: Outcome[] = [];
  for (const target of TARGETS) {
    const before = upstream.requests.length;
    const status = (await statusOf(port, target)).split(' ')[1] ?? '';
    const request = upstream.requests[before];
    results.push({ status, upstreamLine: request ? request.head.split('\r\n')[0]! : null });
  }
  return results;
}

describe('exact location and fragments, against nginx 1.22', () => {
  if (!requires('nginx', nginxBinary() !== undefined, 'install it with `apt-get install nginx-light`'))
    return;

  test('each target gets nginx status and nginx request line upstream', async () => {
    const upstream = await RawUpstream.start(() => response('ok', '200 OK', 'Connection: close\r\n'));
    const nginxPort = await freePort();
    const nginx = await startNginx(conf(nginxPort, upstream.addr));
    let theirs: Outcome[];
    try {
      theirs = await outcomes(nginxPort, upstream);
    } finally {
      await nginx.stop();
    }
    const ourPort = await freePort();
    const balancer = new Balancer(parseNginxConfig(conf(ourPort, upstream.addr), 'targets.conf').config);
    await balancer.listen();
    try {
      const ours = await outcomes(ourPort, upstream);
      expect(ours.map((o, i) => ({ target: TARGETS[i], ...o }))).toEqual(
        theirs.map((o, i) => ({ target: TARGETS[i], ...o })),
      );
      expect(theirs[1]).toEqual({ status: '403', upstreamLine: null });
    } finally {
      await balancer.close(100);
    }
  });
});
