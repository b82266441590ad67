import { Agent } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import type { PeerSnapshot, RequestRecord } from '../../core/balancer';
import { createLab } from '../../core/docker/lab';
import type { Lab } from '../../core/docker/lab';
import { NotInLabError } from '../../core/docker/guard';
import { LABEL_BACKEND, LABEL_LAB, labFilter } from '../../core/docker/labels';
import { BalancedLab } from '../../core/lab/balanced-lab';
import { defaultLabConfig } from '../../core/lab/default-config';
import {
  cleanupLab,
  dockerReachable,
  eventually,
  runTestContainer,
  SAMPLE_BACKEND,
  testDocker,
  uniqueLab,
} from '../support/docker';
import { countByBackend, failures, getOnce, startLoad, type Load, type Sample } from '../support/load';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const touched = (r: RequestRecord, peer: string) => r.attempts.some((a) => a.peer === peer);
const servedBy = (r: RequestRecord) => r.attempts.at(-1)?.peer;
/** When the client had the whole answer of a request the balancer recorded. */
const endOf = (r: RequestRecord) => r.time + r.requestMs;

describe.runIf(docker)('balanced lab: Docker replicas behind the balancer (real dockerd)', () => {
  const name = uniqueLab('bal');
  let lab: Lab;
  let balanced: BalancedLab;
  let port: number;
  let foreign: Docker.Container;
  let load: Load | undefined;
  let isDown = false;
  /** Every request the balancer finished, as its subscribers get them. */
  const records: RequestRecord[] = [];

  const peers = (): PeerSnapshot[] =>
    balanced.balancer.snapshot().find((u) => u.name === balanced.upstream)?.peers ?? [];
  const peer = (backend: string): PeerSnapshot | undefined => peers().find((p) => p.name === backend);
  /** Resolves with the time of the balancer's first `peers` event of `reason` where `backend` passes `test`. */
  const peerEvent = (backend: string, reason: string, test: (p: PeerSnapshot) => boolean, timeoutMs = 5000) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no "${reason}" peers event for ${backend} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = balanced.balancer.events.on('peers', (event) => {
        const p = event.peers.find((x) => x.name === backend);
        if (event.reason !== reason || !p || !test(p)) return;
        clearTimeout(timer);
        off();
        resolve(Date.now());
      });
    });
  /** Records are handed over in batches every 100 ms: wait for the last ones. */
  const settleRecords = () => sleep(250);
  /**
   * Sends slow GETs one by one (no other load running) until one is in flight on `backend`:
   * the balancer's conns count shows where requests are right now.
   */
  const slowOn = async (backend: string, path: string) => {
    const agent = new Agent({ keepAlive: false });
    const sent: Promise<Sample & { body?: Record<string, unknown> }>[] = [];
    for (let i = 0; i < 8 && (peer(backend)?.conns ?? 0) === 0; i++) {
      sent.push(getOnce(agent, port, path, { timeoutMs: 20_000 }));
      await eventually(() => peers().reduce((sum, p) => sum + p.conns, 0) > i, 2000);
    }
    expect(peer(backend)?.conns, `a slow request in flight on ${backend}`).toBeGreaterThan(0);
    return sent;
  };
  const stopLoad = async () => {
    const samples = (await load?.stop()) ?? [];
    load = undefined;
    await settleRecords();
    return samples;
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
    port = await freePort();
    balanced = new BalancedLab({
      runtime: lab,
      config: defaultLabConfig(3, { host: '127.0.0.1', port, defaultServer: false }),
    });
    // The engine's events route here (engine-aware); nginx's own detection: nginx-detection.test.ts.
    balanced.setFailureDetection('engine');
    balanced.balancer.subscribe((batch) => records.push(...batch));
    // Not labelled for the lab (only for the test's own cleanup): nothing the lab does may touch it.
    foreign = await runTestContainer(name, { name: `${name}-foreign`, cmd: ['sleep', '300'] });
    await balanced.listen();
    await lab.build();
    await lab.up();
  }, 120_000);

  afterAll(async () => {
    await load?.stop().catch(() => undefined);
    if (!isDown) await balanced?.down().catch(() => undefined);
    lab?.close();
    await cleanupLab(name, [lab?.image ?? '']);
  }, 60_000);

  it('balances 300 sequential GETs exactly evenly over 3 labelled replicas', async () => {
    const containers = await testDocker().listContainers({
      all: true,
      filters: { label: [labFilter(name)] },
    });
    expect(containers.map((c) => c.Labels[LABEL_BACKEND]).sort()).toEqual([
      'backend1',
      'backend2',
      'backend3',
    ]);
    expect(containers.every((c) => c.Labels[LABEL_LAB] === name && c.State === 'running')).toBe(true);
    const status = await lab.status();
    expect(peers().map((p) => [p.name, p.addr, p.healthy])).toEqual(
      status.replicas.map((r) => [r.name, `127.0.0.1:${r.port}`, true]),
    );

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const samples: Sample[] = [];
    for (let i = 0; i < 300; i++) samples.push(await getOnce(agent, port));
    agent.destroy();
    expect(failures(samples)).toEqual([]);
    // Smooth weighted round robin with equal weights is exact.
    expect(countByBackend(samples)).toEqual({ backend1: 100, backend2: 100, backend3: 100 });
    // The lab config's proxy_set_header lines reach the backend.
    const { body } = await getOnce(false, port);
    expect(body?.headers).toMatchObject({
      host: '127.0.0.1',
      x_real_ip: '127.0.0.1',
      x_forwarded_for: '127.0.0.1',
      x_forwarded_proto: 'http',
    });
  }, 60_000);

  it('kill under steady GET load: no failed request, out of rotation within a second', async () => {
    load = startLoad({ port, clients: 4 });
    await sleep(500);
    const markedOut = peerEvent('backend2', 'unhealthy', (p) => !p.healthy);
    const killedAt = Date.now();
    await lab.kill('backend2');
    const outAt = await markedOut;
    await sleep(1000);
    const samples = await stopLoad();

    const markOutMs = outAt - killedAt;
    console.log(`kill: backend2 out of rotation ${markOutMs} ms after the kill; ${samples.length} GETs`);
    expect(failures(samples)).toEqual([]);
    expect(markOutMs).toBeLessThan(1000);
    expect(peer('backend2')?.healthy).toBe(false);
    expect(records.filter((r) => r.time > outAt && touched(r, 'backend2'))).toEqual([]);
    expect(Object.keys(countByBackend(samples.filter((s) => s.start > outAt))).sort()).toEqual([
      'backend1',
      'backend3',
    ]);
  }, 30_000);

  it('restore under load: traffic reaches it within a second of ready, at its new port', async () => {
    const oldAddr = peer('backend2')?.addr;
    const since = Date.now();
    let readyAt = 0;
    let readyPort = 0;
    const off = lab.events.on('replica:ready', (e) => {
      if (e.name !== 'backend2' || readyAt) return;
      readyAt = Date.now();
      readyPort = e.port;
    });
    load = startLoad({ port, clients: 4 });
    const { replica } = await lab.restore('backend2');
    off();
    await eventually(() => records.some((r) => r.time >= since && servedBy(r) === 'backend2'), 3000);
    await sleep(200);
    const samples = await stopLoad();

    const served = records.filter((r) => r.time >= since && servedBy(r) === 'backend2' && r.status === 200);
    const firstMs = Math.min(...served.map(endOf)) - readyAt;
    console.log(
      `restore: backend2 ${oldAddr} -> 127.0.0.1:${replica.port}; first request served ${firstMs} ms after ready`,
    );
    expect(readyAt).toBeGreaterThan(0);
    expect(firstMs).toBeGreaterThanOrEqual(0);
    expect(firstMs).toBeLessThan(1000);
    expect(readyPort).toBe(replica.port);
    expect(peer('backend2')).toMatchObject({ addr: `127.0.0.1:${replica.port}`, healthy: true, admin: 'up' });
    expect(failures(samples)).toEqual([]);
    expect(countByBackend(samples).backend2).toBeGreaterThan(0);
  }, 40_000);

  it('pause under load: routed around without a failed GET, in-flight ones retried; unpause rejoins', async () => {
    // A request already on backend3 when it freezes hangs until proxy_read_timeout (5 s), then
    // moves to the next peer.
    const slow = await slowOn('backend3', '/slow?ms=1000');
    load = startLoad({ port, clients: 4 });
    await sleep(200);
    const markedOut = peerEvent('backend3', 'unhealthy', (p) => !p.healthy);
    const pausedAt = Date.now();
    await lab.pause('backend3');
    const outAt = await markedOut;
    const slowSamples = await Promise.all(slow);
    expect(Date.now() - pausedAt).toBeGreaterThan(4500);
    expect(peer('backend3')?.healthy).toBe(false);

    const ready = lab.events.waitFor('replica:ready', (e) => e.name === 'backend3', 15_000);
    await lab.unpause('backend3');
    await ready;
    const readyAt = Date.now();
    await eventually(() => records.some((r) => r.time > readyAt && servedBy(r) === 'backend3'), 3000);
    const samples = await stopLoad();

    console.log(`pause: backend3 out of rotation ${outAt - pausedAt} ms after the pause`);
    expect(failures([...samples, ...slowSamples])).toEqual([]);
    expect(records.filter((r) => r.time > outAt && r.time < readyAt && touched(r, 'backend3'))).toEqual([]);
    // The request frozen on backend3 timed out there (504 attempt) and was answered by another peer.
    const retried = records.filter(
      (r) => r.uri.startsWith('/slow') && touched(r, 'backend3') && r.time < outAt,
    );
    expect(retried.length).toBeGreaterThan(0);
    for (const r of retried) {
      expect(r.status).toBe(200);
      expect(r.attempts[0]).toMatchObject({ peer: 'backend3', status: 504 });
      expect(r.attempts[0]!.ms).toBeGreaterThanOrEqual(4900);
      expect(servedBy(r)).not.toBe('backend3');
    }
    expect(peer('backend3')).toMatchObject({ healthy: true, admin: 'up' });
  }, 40_000);

  it('graceful stop under load: the request in flight on it finishes with 200', async () => {
    const slow = await slowOn('backend1', '/slow?ms=1500');
    load = startLoad({ port, clients: 4 });
    await sleep(200);
    const markedOut = peerEvent('backend1', 'unhealthy', (p) => !p.healthy);
    await lab.stop('backend1');
    await markedOut;
    const slowSamples = await Promise.all(slow);
    await sleep(300);
    const samples = await stopLoad();

    expect(failures([...samples, ...slowSamples])).toEqual([]);
    const onStopped = slowSamples.filter((s) => s.backend === 'backend1');
    expect(onStopped.length).toBeGreaterThan(0);
    for (const s of onStopped) expect(s.body).toMatchObject({ backend: 'backend1', slept_ms: 1500 });
    const exitCode = (await testDocker().getContainer(`${name}-backend1`).inspect()).State.ExitCode;
    expect(exitCode, 'SIGTERM handled: exit 0, not SIGKILLed').toBe(0);

    const { replica } = await lab.restore('backend1');
    expect(peer('backend1')).toMatchObject({ addr: `127.0.0.1:${replica.port}`, healthy: true });
  }, 40_000);

  it('scales to 4 and down to 2 under load without a failed GET; the peers follow', async () => {
    const changes: { at: number; reason: string; names: string[] }[] = [];
    const off = balanced.balancer.events.on('peers', (e) =>
      changes.push({ at: Date.now(), reason: e.reason, names: e.peers.map((p) => p.name) }),
    );
    load = startLoad({ port, clients: 4 });
    await sleep(300);
    const up = await lab.scale(4);
    const scaledUpAt = Date.now();
    const backend4 = up.replicas.find((r) => r.name === 'backend4');
    expect(peer('backend4')).toMatchObject({ addr: `127.0.0.1:${backend4?.port}`, healthy: true });
    await eventually(() => records.some((r) => r.time > scaledUpAt && servedBy(r) === 'backend4'), 3000);

    const down = await lab.scale(2);
    await sleep(300);
    const samples = await stopLoad();
    off();

    expect(failures(samples)).toEqual([]);
    expect(down.replicas.map((r) => r.name)).toEqual(['backend1', 'backend2']);
    expect(peers().map((p) => p.name)).toEqual(['backend1', 'backend2']);
    for (const gone of ['backend4', 'backend3']) {
      // Drained first (no new requests), removed from the upstream once its container is gone.
      const drained = changes.find((c) => c.reason === 'drain' && c.names.includes(gone));
      const removed = changes.find((c) => c.reason === 'removed' && !c.names.includes(gone));
      expect(drained, `${gone} drained`).toBeDefined();
      expect(removed, `${gone} removed`).toBeDefined();
      expect(drained!.at).toBeLessThanOrEqual(removed!.at);
      expect(records.filter((r) => r.time > drained!.at && touched(r, gone))).toEqual([]);
    }
    expect(countByBackend(samples).backend4).toBeGreaterThan(0);
  }, 60_000);

  it('refuses to kill a container without the lab label, by name or ID', async () => {
    await expect(lab.kill(`${name}-foreign`)).rejects.toThrow(NotInLabError);
    await expect(lab.kill(foreign.id)).rejects.toThrow(NotInLabError);
    expect((await foreign.inspect()).State.Running).toBe(true);
  });

  it('down leaves no container or network of the lab, closes the balancer, and spares the foreign container', async () => {
    await balanced.down();
    isDown = true;
    const d = testDocker();
    expect(await d.listContainers({ all: true, filters: { label: [labFilter(name)] } })).toEqual([]);
    expect(await d.listNetworks({ filters: { label: [labFilter(name)] } })).toEqual([]);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused, 'nothing listens on the balancer port').toBe(true);
    expect((await foreign.inspect()).State.Running).toBe(true);
  }, 30_000);
});
