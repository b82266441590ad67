import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TimelineEvent } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { cleanupLab, dockerReachable, testDocker, uniqueLab } from '../support/docker';
import { failures, startLoad, type Sample } from '../support/load';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/**
 * Chaos soak: random kill / stop / pause of Docker replicas (each restored after a while) under
 * steady GET load. Bounded for CI; SOAK_SECONDS makes it longer.
 */
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 45);
const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const openFds = (): number => readdirSync('/proc/self/fd').length;

/** GETs from 4 clients until `count` requests or `ms` pass; keeps only the failures (memory is measured). */
async function loadFor(
  port: number,
  count: number,
  ms: number,
): Promise<{ requests: number; failed: Sample[] }> {
  const load = startLoad({ port, clients: 4, gapMs: 2 });
  const until = Date.now() + ms;
  while (Date.now() < until && load.samples.length < count) await new Promise((r) => setTimeout(r, 200));
  const samples = await load.stop();
  if (load.retriedOnNewSocket > 0)
    console.log(`soak: ${load.retriedOnNewSocket} GET(s) resent after a reused keep-alive socket closed`);
  return { requests: samples.length, failed: failures(samples) };
}

describe.runIf(docker)('chaos soak (real dockerd)', () => {
  const lab = uniqueLab('soak');
  afterAll(() => cleanupLab(lab, [`upstream-lab/${lab}:latest`]));

  test(
    `${SOAK_SECONDS} s of random faults under load: no failed GET, nothing leaked`,
    async () => {
      const fdsBefore = openFds();
      const app = new App({
        settings: {
          runtime: 'docker',
          lab,
          replicas: 3,
          listen: `127.0.0.1:${await freePort()}`,
          offline: true,
          // Faults taken out at Docker's event: as nginx, a pause costs proxy_read_timeout (60 s).
          failureDetection: 'engine',
        },
        stateDir: null,
      });
      const faults: TimelineEvent[] = [];
      app.events.on('timeline', (e) => faults.push(e));
      await app.call('lab.start', {});
      const running = await waitForView(
        app,
        (v) => v.backends.filter((b) => b.state === 'up').length === 3,
        90_000,
      );
      const port = Number(new URL(running.url!).port);

      // Warm up until the log rings are full, so memory is measured at its steady state.
      await loadFor(port, 12_000, 60_000);
      const heapBefore = heapAfterGc();

      await app.call('chaos.start', { everySec: 2, actions: ['kill', 'stop', 'pause'], restoreAfterSec: 3 });
      const soak = await loadFor(port, Number.POSITIVE_INFINITY, SOAK_SECONDS * 1000);
      await app.call('chaos.stop', {});

      const broken = faults.filter((e) => ['killed', 'stopped', 'paused'].includes(e.kind));
      // A tick with only one backend up breaks nothing, so not every tick makes a fault.
      expect(broken.length).toBeGreaterThanOrEqual(Math.floor(SOAK_SECONDS / 4));
      expect(soak.requests).toBeGreaterThan(SOAK_SECONDS * 20);
      expect(
        soak.failed.map((s) => `${new Date(s.start).toISOString()} ${s.status} ${s.error ?? ''}`),
      ).toEqual([]);

      // Every fault undone: all three serve again.
      await waitForView(app, (v) => v.backends.filter((b) => b.state === 'up').length === 3, 30_000);
      const heapAfter = heapAfterGc();
      console.log(
        `soak: heap after ${(heapAfter / 2 ** 20).toFixed(1)} MB, ${soak.requests} requests, ${broken.length} faults`,
      );
      expect(heapAfter).toBeLessThan(heapBefore * 1.1);

      await app.close();
      const left = await testDocker().listContainers({
        all: true,
        filters: { label: [`upstream-lab.lab=${lab}`] },
      });
      expect(left).toEqual([]);
      // Sockets and files back to where they were (a few for the test runner's own use).
      await new Promise((r) => setTimeout(r, 500));
      expect(openFds()).toBeLessThanOrEqual(fdsBefore + 3);
    },
    (SOAK_SECONDS + 180) * 1000,
  );
});
