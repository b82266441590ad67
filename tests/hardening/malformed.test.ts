import { randomInt } from 'node:crypto';
import { Agent, get } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Backend } from '../support/backends';
import { CATEGORY_NAMES, malformedRequests, outcomeOf, type MalformedRequest } from '../support/malformed';
import { startNginx } from '../support/nginx';
import { ours } from '../support/ours';
import { nginxBinary, requires } from '../support/prerequisites';
import { freePort, type RunningProxy } from '../support/target';

/**
 * Differential fuzz of the client side: every generated malformed request goes, on a fresh
 * connection, to real nginx 1.22 and to our balancer with the same nginx.conf, and ours must give
 * nginx's answer (statuses, and whether the connection is kept), in every category.
 * Meanwhile a well-formed client keeps getting 200s. Reproduce a run with FUZZ_SEED=<seed>.
 */

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const CONCURRENCY = 32;

const conf = (port: number, backend: string): string => `
events {}
http {
  upstream backend { server ${backend}; }
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
    location / { proxy_pass http://backend; }
  }
}
`;

interface Result {
  request: MalformedRequest;
  nginx: string;
  ours: string;
}

/** A well-formed client on one keep-alive connection, for as long as the fuzz runs. */
function steadyClient(port: number): { stop(): Promise<{ statuses: number[]; maxMs: number }> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const statuses: number[] = [];
  let maxMs = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const status = await new Promise<number>((resolve) => {
        get({ host: '127.0.0.1', port, path: '/steady', agent, headers: { Host: 'localhost' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(-1));
        }).on('error', () => resolve(-1));
      });
      statuses.push(status);
      maxMs = Math.max(maxMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return { statuses, maxMs };
    },
  };
}

const show = (bytes: Buffer): string => {
  const text = bytes.toString('latin1');
  return JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…(${text.length} bytes)` : text);
};

if (requires('nginx', nginxBinary() !== undefined, 'install nginx 1.22 (apt-get install nginx-light)')) {
  describe('malformed requests at the balancer', () => {
    let backend: Backend;
    let nginx: RunningProxy;
    let proxy: RunningProxy;
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);

    beforeAll(async () => {
      process.on('uncaughtExceptionMonitor', onUncaught);
      backend = new Backend('A');
      await backend.start('ok');
      nginx = await startNginx(conf(await freePort(), backend.address));
      proxy = await ours.start(conf(await freePort(), backend.address));
    });

    afterAll(async () => {
      process.off('uncaughtExceptionMonitor', onUncaught);
      await proxy?.stop();
      await nginx?.stop();
      await backend?.close();
    });

    test(`${COUNT} generated requests answer as nginx does (FUZZ_SEED=${SEED})`, async () => {
      console.log(`malformed-request fuzz: FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT}`);
      const steady = steadyClient(proxy.port);
      const requests = malformedRequests(SEED, COUNT);
      const results: Result[] = [];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let next = requests.next(); !next.done; next = requests.next()) {
            const request = next.value;
            const [nginxOutcome, oursOutcome] = await Promise.all([
              outcomeOf(nginx.port, request),
              outcomeOf(proxy.port, request),
            ]);
            results.push({ request, nginx: nginxOutcome, ours: oursOutcome });
          }
        }),
      );
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const { statuses: steadyStatuses, maxMs } = await steady.stop();

      const byCategory = new Map<string, { count: number; nginx: Map<string, number>; differ: number }>();
      for (const { request, nginx: n, ours: o } of results) {
        const entry = byCategory.get(request.category) ?? { count: 0, nginx: new Map(), differ: 0 };
        entry.count++;
        entry.nginx.set(n, (entry.nginx.get(n) ?? 0) + 1);
        if (n !== o) entry.differ++;
        byCategory.set(request.category, entry);
      }
      console.log(
        `${results.length} requests to each in ${seconds} s; steady client: ${steadyStatuses.length} requests, ` +
          `slowest ${maxMs.toFixed(0)} ms\n` +
          [...byCategory]
            .map(([category, { count, nginx: outcomes, differ }]) => {
              const seen = [...outcomes].map(([o, n]) => `${o}×${n}`).join(', ');
              return `  ${category.padEnd(36)} ${String(count).padStart(4)}  nginx: ${seen}${differ ? `  (ours differs: ${differ})` : ''}`;
            })
            .join('\n'),
      );

      // Ours gives nginx's answer, every category included.
      const differing = results.filter((r) => r.nginx !== r.ours);
      const report = (list: Result[]): string =>
        list
          .slice(0, 15)
          .map(
            (r) =>
              `${r.request.category}: ${show(r.request.bytes)}\n    nginx: ${r.nginx}\n    ours:  ${r.ours}`,
          )
          .join('\n');
      expect(differing.length, `differs from nginx (FUZZ_SEED=${SEED}):\n${report(differing)}`).toBe(0);
      expect(results).toHaveLength(COUNT);
      expect(new Set(results.map((r) => r.request.category))).toEqual(new Set(CATEGORY_NAMES));

      // Other clients are unaffected, and the balancer is still up.
      expect(steadyStatuses.length).toBeGreaterThan(10);
      expect(steadyStatuses.filter((s) => s !== 200)).toEqual([]);
      expect(uncaught).toEqual([]);
      const after = await outcomeOf(proxy.port, {
        category: 'valid',
        bytes: Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'),
        methods: ['GET'],
      });
      expect(after).toBe('200 keep-alive');
    }, 180_000);
  });
}
