import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { Engine } from '../../core/docker/engine';
import { createLab } from '../../core/docker/lab';
import type { Lab } from '../../core/docker/lab';
import type { ContainerEvent } from '../../core/docker/events';
import { NotInLabError } from '../../core/docker/guard';
import { LABEL_LAB } from '../../core/docker/labels';
import {
  cleanupLab,
  dockerReachable,
  engineProxy,
  getJson,
  runTestContainer,
  SAMPLE_BACKEND,
  testDocker,
  uniqueLab,
} from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

describe.runIf(docker)('lab replicas and faults (real dockerd)', () => {
  const name = uniqueLab('lab');
  let lab: Lab;
  let foreign: Docker.Container;
  let foreignLookalike: Docker.Container;
  const events: ContainerEvent[] = [];
  const proxyDir = mkdtempSync(join(tmpdir(), 'ul-lab-'));

  const portOf = async (backend: string) => {
    const replica = (await lab.status()).replicas.find((r) => r.name === backend);
    if (!replica?.port) throw new Error(`${backend} has no port`);
    return replica.port;
  };

  beforeAll(async () => {
    lab = createLab({
      lab: name,
      project: SAMPLE_BACKEND,
      replicas: 3,
      docker: testDocker(),
      offline: true,
      stopTimeoutSec: 5,
    });
    lab.events.on('container', (event) => events.push(event));
    // Not labelled: must survive everything the lab does.
    foreign = await runTestContainer(name, { cmd: ['sleep', '600'] });
    foreignLookalike = await runTestContainer(name, { name: `${name}-backend9`, cmd: ['sleep', '600'] });
    await lab.build();
  }, 120_000);

  afterAll(async () => {
    lab?.close();
    await cleanupLab(name, [lab?.image ?? '']);
    rmSync(proxyDir, { recursive: true, force: true });
  });

  it('runs 3 labelled replicas that answer with their own names on their published ports', async () => {
    const status = await lab.up();
    expect(status.replicas.map((r) => [r.name, r.container, r.state, r.ready])).toEqual([
      ['backend1', `${name}-backend1`, 'running', true],
      ['backend2', `${name}-backend2`, 'running', true],
      ['backend3', `${name}-backend3`, 'running', true],
    ]);
    for (const replica of status.replicas) {
      expect(replica.host).toBe('127.0.0.1');
      const body = await getJson(replica.port!);
      expect(body.backend).toBe(replica.name);
      expect(body.headers).toMatchObject({ host: `127.0.0.1:${replica.port}`, x_real_ip: null });
    }
    const inspect = await testDocker().getContainer(status.replicas[0]!.id).inspect();
    expect(inspect.Config.Labels).toMatchObject({ [LABEL_LAB]: name, 'upstream-lab.backend': 'backend1' });
    expect(inspect.Config.Env).toContain('REPLICA_NAME=backend1');
    expect(Object.keys(inspect.NetworkSettings.Networks)).toEqual([`${name}-net`]);
  }, 60_000);

  it('kill: the die event arrives within a second', async () => {
    const started = Date.now();
    const died = lab.events.waitFor('container', (e) => e.action === 'die' && e.name === 'backend1', 5000);
    const down = lab.events.waitFor('replica:down', (e) => e.name === 'backend1', 5000);
    await lab.kill('backend1');
    const event = await died;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(event.exitCode).toBe(137);
    expect(await down).toMatchObject({ reason: 'exited', exitCode: 137 });
  });

  it('restore after kill: started again, port re-read, ready', async () => {
    const ready = lab.events.waitFor('replica:ready', (e) => e.name === 'backend1', 30_000);
    const { steps, replica } = await lab.restore('backend1');
    expect(steps).toEqual(['start']);
    expect(replica.ready).toBe(true);
    expect((await ready).port).toBe(replica.port);
    expect((await getJson(replica.port!)).backend).toBe('backend1');
  }, 40_000);

  it('pause: the paused event, and unpause brings it back', async () => {
    const paused = lab.events.waitFor(
      'container',
      (e) => e.action === 'pause' && e.name === 'backend2',
      5000,
    );
    await lab.pause('backend2');
    await paused;
    expect((await lab.status()).replicas.find((r) => r.name === 'backend2')?.state).toBe('paused');
    const ready = lab.events.waitFor('replica:ready', (e) => e.name === 'backend2', 10_000);
    await lab.unpause('backend2');
    await ready;
  });

  it('disconnect takes the published port away; restore reconnects and re-reads it', async () => {
    const down = lab.events.waitFor(
      'replica:down',
      (e) => e.name === 'backend3' && e.reason === 'disconnected',
      5000,
    );
    await lab.disconnect('backend3');
    await down;
    const status = (await lab.status()).replicas.find((r) => r.name === 'backend3');
    expect(status).toMatchObject({ connected: false, port: undefined, state: 'running' });
    const { steps, replica } = await lab.restore('backend3');
    expect(steps).toEqual(['connect']);
    expect((await getJson(replica.port!)).backend).toBe('backend3');
  }, 30_000);

  it('stop is graceful: an in-flight request finishes first', async () => {
    const port = await portOf('backend2');
    const slow = getJson(port, '/slow?ms=1500');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await lab.stop('backend2');
    expect((await slow).slept_ms).toBe(1500);
    await lab.restore('backend2');
  }, 30_000);

  it('refuses to touch containers without the lab label, even one named like a replica', async () => {
    await expect(lab.kill(`${name}-backend9`)).rejects.toThrow(NotInLabError);
    await expect(lab.kill('backend9')).rejects.toThrow(/not a replica of lab/);
    await expect(lab.pause(foreign.id)).rejects.toThrow(NotInLabError);
    for (const c of [foreign, foreignLookalike]) expect((await c.inspect()).State.Running).toBe(true);
  });

  it('scales up and down while running, announcing removals first', async () => {
    const order: string[] = [];
    const offRemoving = lab.events.on('replica:removing', (e) => order.push(`removing ${e.name}`));
    const offRemoved = lab.events.on('replica:removed', (e) => order.push(`removed ${e.name}`));
    const up = await lab.scale(4);
    expect(up.replicas.map((r) => r.name)).toEqual(['backend1', 'backend2', 'backend3', 'backend4']);
    expect((await getJson(up.replicas[3]!.port!)).backend).toBe('backend4');
    const down = await lab.scale(2);
    offRemoving();
    offRemoved();
    expect(down.replicas.map((r) => r.name)).toEqual(['backend1', 'backend2']);
    expect(order.filter((o) => o.startsWith('removing'))).toEqual(['removing backend4', 'removing backend3']);
    expect(order.indexOf('removing backend4')).toBeLessThan(order.indexOf('removed backend4'));
  }, 60_000);

  it('a new lab object adopts running leftovers instead of recreating them', async () => {
    const before = (await lab.status()).replicas.map((r) => r.id);
    lab.close();
    lab = createLab({ lab: name, project: SAMPLE_BACKEND, replicas: 2, docker: testDocker(), offline: true });
    const adopted: string[] = [];
    lab.events.on('replica:adopted', (e) => adopted.push(e.name));
    const status = await lab.up();
    expect(adopted).toEqual(['backend1', 'backend2']);
    expect(status.replicas.map((r) => r.id)).toEqual(before);
    expect(status.replicas.every((r) => r.ready)).toBe(true);
  }, 60_000);

  it('re-adopts its replicas after the engine connection drops and comes back', async () => {
    const proxy = engineProxy(join(proxyDir, 'engine.sock'));
    await proxy.start();
    const engine = new Engine({
      env: { DOCKER_HOST: proxy.url },
      checkIntervalMs: 100,
      retryInitialMs: 50,
      retryMaxMs: 200,
    });
    const viaProxy = createLab({ lab: name, project: SAMPLE_BACKEND, replicas: 2, docker: engine.docker });
    try {
      await engine.connect();
      engine.watch();
      const adopted = await viaProxy.adopt();
      expect(adopted.replicas.map((r) => [r.name, r.ready])).toEqual([
        ['backend1', true],
        ['backend2', true],
      ]);

      const lost = viaProxy.events.waitFor('warning', (w) => /event stream/.test(w.message), 5000);
      await proxy.stop();
      await engine.events.waitFor('disconnected', () => true, 5000);
      await lost;

      await proxy.start();
      await engine.events.waitFor('connected', () => true, 5000);
      const ready = viaProxy.events.waitFor('replica:ready', (e) => e.name === 'backend1', 10_000);
      await viaProxy.adopt();
      await ready;
      // Events flow again: a fault made through the other client is seen here.
      const paused = viaProxy.events.waitFor(
        'container',
        (e) => e.action === 'pause' && e.name === 'backend1',
        5000,
      );
      await lab.pause('backend1');
      await paused;
      await lab.unpause('backend1');
    } finally {
      viaProxy.close();
      engine.close();
      await proxy.stop();
    }
  }, 40_000);

  it('down removes every container and network of the lab and nothing else; again is fine', async () => {
    await lab.down();
    await lab.down();
    const d = testDocker();
    expect(await d.listContainers({ all: true, filters: { label: [`${LABEL_LAB}=${name}`] } })).toEqual([]);
    expect(await d.listNetworks({ filters: { label: [`${LABEL_LAB}=${name}`] } })).toEqual([]);
    for (const c of [foreign, foreignLookalike]) expect((await c.inspect()).State.Running).toBe(true);
  }, 30_000);

  it('saw the engine events as they happened', () => {
    const actions = new Set(events.map((e) => e.action));
    for (const action of [
      'create',
      'start',
      'kill',
      'die',
      'pause',
      'unpause',
      'stop',
      'disconnect',
      'connect',
      'destroy',
    ] as const) {
      expect(actions, action).toContain(action);
    }
    expect(events.every((e) => e.name.startsWith('backend'))).toBe(true);
  });
});

describe.runIf(docker)('lab without an image', () => {
  it('asks for a build first', async () => {
    const name = uniqueLab('nobuild');
    const lab = createLab({ lab: name, project: SAMPLE_BACKEND, replicas: 1, docker: testDocker() });
    try {
      await expect(lab.up()).rejects.toThrow(/does not exist yet: build the lab first/);
    } finally {
      await cleanupLab(name);
    }
  });

  it('rejects a lab name Docker cannot use', () => {
    expect(() =>
      createLab({ lab: 'My Lab', project: SAMPLE_BACKEND, replicas: 1, docker: testDocker() }),
    ).toThrow(/Invalid lab options: lab:/);
  });
});
