import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ContainerSamples } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { cpuPercent, memoryBytes } from '../../core/docker/container-stats';
import { createLab } from '../../core/docker';
import {
  cleanupLab,
  dockerReachable,
  eventually,
  SAMPLE_BACKEND,
  testDocker,
  uniqueLab,
} from '../support/docker';
import { waitForView } from '../support/lab-view';
import { startLoad } from '../support/load';
import { ensureTestImages } from '../support/offline-images';
import { requires } from '../support/prerequisites';
import { freePort } from '../support/target';

describe('docker stats arithmetic', () => {
  test('CPU %: the container’s share of the host’s CPU time in the interval, times the CPUs online', () => {
    const frame = {
      cpu_stats: { cpu_usage: { total_usage: 3_000_000 }, system_cpu_usage: 20_000_000, online_cpus: 4 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
    };
    // 2 ms of the container's over 10 ms of all 4 CPUs' = 20% of the host, 80% of one core.
    expect(cpuPercent(frame)).toBeCloseTo(80);
    // cgroup v1 engines give no online_cpus: the per-CPU list counts them.
    const v1 = {
      ...frame,
      cpu_stats: {
        ...frame.cpu_stats,
        online_cpus: undefined,
        cpu_usage: { total_usage: 3_000_000, percpu_usage: [1, 1] },
      },
    };
    expect(cpuPercent(v1)).toBeCloseTo(40);
  });

  test('the first frame has no interval yet: 0 %, not a spike', () => {
    expect(
      cpuPercent({
        cpu_stats: { cpu_usage: { total_usage: 5_000_000 }, system_cpu_usage: 20_000_000, online_cpus: 2 },
        precpu_stats: { cpu_usage: { total_usage: 0 } },
      }),
    ).toBe(0);
  });

  test('memory: the usage less the page cache it could drop (v2 inactive_file, v1 total_inactive_file, else cache)', () => {
    expect(memoryBytes({ memory_stats: { usage: 50_000, stats: { inactive_file: 20_000 } } })).toBe(30_000);
    expect(memoryBytes({ memory_stats: { usage: 50_000, stats: { total_inactive_file: 5_000 } } })).toBe(
      45_000,
    );
    expect(memoryBytes({ memory_stats: { usage: 50_000, stats: { cache: 10_000 } } })).toBe(40_000);
    expect(memoryBytes({ memory_stats: {} })).toBe(0);
  });
});

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

const openFds = (): number => readdirSync('/proc/self/fd').length;
/** Unix-socket connections (the engine's API, each stats stream among them). */
const pipes = (): number => process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap').length;

describe.runIf(docker)('container facts and stats of a real lab', () => {
  const lab = uniqueLab('stats');
  afterAll(() => cleanupLab(lab, [`upstream-lab/${lab}:latest`]));

  test('each replica: image and container IDs as docker inspect has them, CPU and memory samples a second; no stream left after close', async () => {
    const fdsBefore = openFds();
    const pipesBefore = pipes();
    const app = new App({
      settings: {
        runtime: 'docker',
        lab,
        replicas: 2,
        listen: `127.0.0.1:${await freePort()}`,
        offline: true,
      },
      stateDir: null,
    });
    const samples: ContainerSamples[] = [];
    app.events.on('containers', (s) => samples.push(s));
    await app.call('lab.start', {});
    const running = await waitForView(
      app,
      (v) =>
        v.backends.filter((b) => b.state === 'up').length === 2 &&
        v.backends.every((b) => b.figures.container),
      120_000,
    );
    const load = startLoad({ port: Number(new URL(running.url!).port), clients: 2, gapMs: 5 });
    await new Promise((r) => setTimeout(r, 4_000));
    await load.stop();

    const view = app.view();
    for (const backend of view.backends) {
      const info = await testDocker().getContainer(`${lab}-${backend.name}`).inspect();
      // The replicas are created from the image's ID; the tag shown is the image's own.
      const image = await testDocker().getImage(info.Image).inspect();
      expect(image.RepoTags).toContain(`upstream-lab/${lab}:latest`);
      expect(backend.figures.container).toEqual({
        id: info.Id.slice(0, 12),
        image: `upstream-lab/${lab}:latest`,
        imageId: info.Image.replace('sha256:', '').slice(0, 12),
      });
      expect(backend.figures.check).toBe('no check');
      const classes = backend.figures.statuses;
      expect(classes['2xx'] + classes['3xx'] + classes['4xx'] + classes['5xx']).toBe(backend.requests);
      expect(backend.figures.bytesIn).toBeGreaterThan(0);
      expect(backend.figures.bytesOut).toBeGreaterThan(0);
    }

    // At most one event a second, each with both backends' series.
    const last = samples.at(-1)!;
    const spanSec = (last.t - samples[0]!.t) / 1000;
    expect(samples.length).toBeLessThanOrEqual(spanSec + 1.5);
    expect(Object.keys(last.backends).sort()).toEqual(['backend1', 'backend2']);
    for (const series of Object.values(last.backends)) {
      expect(series.memory.length).toBeGreaterThanOrEqual(3);
      expect(series.memory.length).toBeLessThanOrEqual(60);
      expect(series.cpu).toHaveLength(series.memory.length);
      // A Django runserver holds some MB, well below 2 GB; CPU within the machine's cores.
      expect(Math.min(...series.memory)).toBeGreaterThan(1_000_000);
      expect(Math.max(...series.memory)).toBeLessThan(2 ** 31);
      for (const cpu of series.cpu) expect(cpu).toBeGreaterThanOrEqual(0);
      expect(Math.max(...series.cpu)).toBeGreaterThan(0);
      expect(Math.max(...series.cpu)).toBeLessThanOrEqual(100 * availableParallelism() + 1);
    }
    // Two streams (one per container) among the engine's connections while the lab runs.
    expect(pipes()).toBeGreaterThanOrEqual(pipesBefore + 2);

    await app.close();
    await new Promise((r) => setTimeout(r, 500));
    const count = samples.length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(samples.length).toBe(count);
    expect(pipes()).toBeLessThanOrEqual(pipesBefore);
    expect(openFds()).toBeLessThanOrEqual(fdsBefore + 3);
  }, 240_000);

  test('the lab closes its streams itself: close() (containers left running) ends them; adopt() opens one per replica again, not two', async () => {
    const name = uniqueLab('stats-close');
    const runtime = createLab({
      lab: name,
      project: SAMPLE_BACKEND,
      replicas: 2,
      docker: testDocker(),
      offline: true,
    });
    try {
      const pipesBefore = pipes();
      await runtime.build();
      await runtime.up();
      await eventually(() => (runtime.containers.openStreams === 2 ? true : undefined), 10_000);
      await eventually(
        () =>
          Object.values(runtime.containers.series()).every((s) => s.memory.length > 0) ? true : undefined,
        10_000,
      );
      runtime.close();
      expect(runtime.containers.openStreams).toBe(0);
      // The containers still run: only our side could have ended the streams.
      await eventually(() => (pipes() <= pipesBefore + 1 ? true : undefined), 5_000);

      await runtime.adopt();
      await eventually(() => (runtime.containers.openStreams === 2 ? true : undefined), 10_000);
      await runtime.adopt();
      expect(runtime.containers.openStreams).toBe(2);
    } finally {
      await runtime.down();
      await cleanupLab(name, [`upstream-lab/${name}:latest`]);
    }
    expect(runtime.containers.openStreams).toBe(0);
  }, 240_000);
});
