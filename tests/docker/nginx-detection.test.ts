import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestSample } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { defaultImageTag } from '../../core/docker/labels';
import { cleanupLab, dockerReachable, uniqueLab } from '../support/docker';
import { getOnce, type Sample } from '../support/load';
import { startNginx, type NginxInstance } from '../support/nginx';
import { nginxBinary, requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/**
 * Issue 14, item 1 against the reference: real nginx and our balancer (failure detection "as
 * nginx") in front of the same three containers, with the same upstream parameters. A pause and
 * a kill, done once, are seen by both: each must cost the same slow or retried requests, and take
 * the backend out and back in the same way.
 */
const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
const nginx = requires('nginx', nginxBinary() !== undefined, 'apt-get install nginx-light');
if (docker && nginx) beforeAll(() => ensureTestImages(), 20 * 60_000);

const PARAMS = 'max_fails=2 fail_timeout=4s';
// Django refuses nginx's default Host (`backend_pool`: no underscore in a host name), as the course's conf knows.
const LOCATION = 'proxy_set_header Host $host; proxy_read_timeout 1s; proxy_connect_timeout 1s;';

const labConf = `
events {}
http {
  upstream backend_pool {
    server backend1:8000 ${PARAMS};
    server backend2:8000 ${PARAMS};
    server backend3:8000 ${PARAMS};
  }
  server {
    listen 80;
    location / { proxy_pass http://backend_pool; ${LOCATION} }
  }
}
`;

const nginxConf = (port: number, addrs: string[], log: string) => `
events {}
http {
  log_format upstreams '$upstream_addr|$upstream_status';
  upstream backend_pool {
${addrs.map((a) => `    server ${a} ${PARAMS};`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    access_log ${log} upstreams;
    location / { proxy_pass http://backend_pool; ${LOCATION} }
  }
}
`;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(docker && nginx)('as nginx: our balancer beside real nginx on the same containers', () => {
  const lab = uniqueLab('detect');
  const dir = mkdtempSync(join(tmpdir(), 'upstream-lab-detect-'));
  const accessLog = join(dir, 'access.log');
  let app: App;
  let real: NginxInstance;
  let oursPort: number;
  let addrOf: Record<string, string>;
  const ours: RequestSample[] = [];

  beforeAll(async () => {
    app = new App({
      settings: {
        runtime: 'docker',
        lab,
        replicas: 3,
        listen: `127.0.0.1:${await freePort()}`,
        offline: true,
      },
      stateDir: null,
    });
    app.events.on('requests', (batch) => ours.push(...batch));
    await app.call('lab.start', {});
    const view = await waitForView(
      app,
      (v) => v.backends.filter((b) => b.state === 'up').length === 3,
      120_000,
    );
    await app.call('config.import', { text: labConf, file: 'nginx.conf' });
    oursPort = Number(new URL(app.view().url!).port);
    addrOf = Object.fromEntries(view.backends.map((b) => [b.name, b.addr!]));
    real = await startNginx(nginxConf(await freePort(), Object.values(addrOf), accessLog));
  }, 180_000);

  afterAll(async () => {
    await real?.stop();
    await app?.close();
    await cleanupLab(lab, [defaultImageTag(lab)]);
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  /** The same sequential GETs through each: their answers, and the upstreams each request tried. */
  async function both(count: number): Promise<{ nginx: Run; ours: Run }> {
    const logFrom = (await readFile(accessLog, 'utf8').catch(() => '')).length;
    const oursFrom = ours.length;
    const nginxSamples: Sample[] = [];
    const oursSamples: Sample[] = [];
    for (let i = 0; i < count; i++) {
      nginxSamples.push(await getOnce(false, real.port));
      oursSamples.push(await getOnce(false, oursPort));
    }
    await pause(400); // our records' last batch
    const lines = (await readFile(accessLog, 'utf8')).slice(logFrom).trim().split('\n');
    const nameOf = Object.fromEntries(Object.entries(addrOf).map(([name, addr]) => [addr, name]));
    return {
      nginx: {
        samples: nginxSamples,
        tried: lines.map((line) =>
          line
            .split('|')[0]!
            .split(/, | : /)
            .map((addr) => nameOf[addr] ?? addr),
        ),
      },
      ours: { samples: oursSamples, tried: ours.slice(oursFrom).map((s) => s.tried) },
    };
  }

  interface Run {
    samples: Sample[];
    tried: string[][];
  }
  const statuses = (run: Run) => run.samples.map((s) => s.status);
  const slow = (run: Run) => run.samples.filter((s) => s.end - s.start >= 900).length;
  const attemptsOn = (name: string, run: Run) => run.tried.filter((t) => t.includes(name)).length;

  it('a paused container: both stall max_fails requests for proxy_read_timeout, then leave it out', async () => {
    await both(3);
    await app.call('backend.action', { backend: 'backend2', action: 'pause' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend2')?.state === 'paused', 5000);
    const run = await both(9);
    expect(statuses(run.nginx)).toEqual(Array(9).fill(200));
    expect(statuses(run.ours)).toEqual(statuses(run.nginx));
    expect(slow(run.nginx)).toBe(2);
    expect(slow(run.ours)).toBe(slow(run.nginx));
    expect(attemptsOn('backend2', run.ours)).toBe(attemptsOn('backend2', run.nginx));

    // Unpaused at once: neither knows; backend2 waits out fail_timeout in both, then serves.
    await app.call('backend.action', { backend: 'backend2', action: 'restore' });
    const early = await both(4);
    expect(attemptsOn('backend2', early.nginx)).toBe(0);
    expect(attemptsOn('backend2', early.ours)).toBe(0);
    await pause(5000);
    const later = await both(6);
    expect(attemptsOn('backend2', later.nginx)).toBeGreaterThan(0);
    expect(attemptsOn('backend2', later.ours)).toBe(attemptsOn('backend2', later.nginx));
  }, 60_000);

  it('a killed container: both retry max_fails requests on the next server (none slow, none failed)', async () => {
    await app.call('backend.action', { backend: 'backend3', action: 'kill' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend3')?.state === 'killed', 5000);
    const run = await both(9);
    expect(statuses(run.nginx)).toEqual(Array(9).fill(200));
    expect(statuses(run.ours)).toEqual(statuses(run.nginx));
    expect(slow(run.nginx)).toBe(0);
    expect(slow(run.ours)).toBe(0);
    expect(attemptsOn('backend3', run.nginx)).toBe(2);
    expect(attemptsOn('backend3', run.ours)).toBe(2);
    expect(app.view().backends.find((b) => b.name === 'backend3')).toMatchObject({
      inRotation: false,
      fails: 2,
    });
  }, 60_000);
});
