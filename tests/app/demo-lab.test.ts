import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TimelineEvent } from '../../core/api/contract';
import { App } from '../../core/app/app';
import parse from 'parse-prometheus-text-format';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/** GET through the balancer; resolves with the status and the backend that answered. */
function get(url: string): Promise<{ status: number; backend: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        let backend: string | null = null;
        try {
          backend = (JSON.parse(body) as { backend?: string }).backend ?? null;
        } catch {
          // nginx-style error page
        }
        resolve({ status: res.statusCode ?? 0, backend });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the App with the demo runtime', () => {
  let app: App;
  let url: string;
  const timeline: TimelineEvent[] = [];

  beforeAll(async () => {
    const port = await freePort();
    // Engine-aware: a fault takes the backend out at once (nginx's own detection: failure-detection.test.ts).
    app = new App({
      settings: { runtime: 'demo', lab: 'apptest', listen: `127.0.0.1:${port}`, failureDetection: 'engine' },
    });
    app.events.on('timeline', (event) => timeline.push(event));
    expect(await app.call('lab.start', {})).toEqual({ ok: true });
    expect(app.view().state).not.toBe('error');
    const running = await waitForView(
      app,
      (v) => v.state === 'running' && v.backends.filter((b) => b.state === 'up').length === 3,
    );
    url = running.url!;
  });

  afterAll(() => app.close());

  test('three backends up, requests spread evenly', async () => {
    const seen: Record<string, number> = {};
    for (let i = 0; i < 30; i++) {
      const { status, backend } = await get(`${url}/`);
      expect(status).toBe(200);
      seen[backend!] = (seen[backend!] ?? 0) + 1;
    }
    expect(seen).toEqual({ backend1: 10, backend2: 10, backend3: 10 });
  });

  test('kill shows within 1 s, routing changes, restore brings it back with a timeline', async () => {
    const killedAt = Date.now();
    await app.call('backend.action', { backend: 'backend2', action: 'kill' });
    const view = await waitForView(
      app,
      (v) => v.backends.find((b) => b.name === 'backend2')?.state === 'killed',
      1000,
    );
    expect(Date.now() - killedAt).toBeLessThan(1000);
    expect(view.backends.find((b) => b.name === 'backend2')?.addr).not.toBeUndefined();
    for (let i = 0; i < 10; i++) {
      const { status, backend } = await get(`${url}/`);
      expect(status).toBe(200);
      expect(backend).not.toBe('backend2');
    }
    await app.call('backend.action', { backend: 'backend2', action: 'restore' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend2')?.state === 'up', 2000);
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) served.add((await get(`${url}/`)).backend!);
    expect(served.has('backend2')).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    const kinds = timeline.filter((e) => e.backend === 'backend2').map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['killed', 'marked-failed', 'restored', 'first-served']));
  });

  test('pause is detected and routed around; drain takes a backend out', async () => {
    await app.call('backend.action', { backend: 'backend3', action: 'pause' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend3')?.state === 'paused', 1000);
    for (let i = 0; i < 6; i++) expect((await get(`${url}/`)).backend).not.toBe('backend3');
    await app.call('backend.action', { backend: 'backend3', action: 'restore' });
    await app.call('backend.action', { backend: 'backend1', action: 'drain' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend1')?.state === 'draining', 1000);
    for (let i = 0; i < 6; i++) expect((await get(`${url}/`)).backend).not.toBe('backend1');
    await app.call('backend.action', { backend: 'backend1', action: 'restore' });
    await waitForView(app, (v) => v.backends.every((b) => b.state === 'up'), 2000);
  });

  test('a weight change applies at once', async () => {
    await app.call('backend.set', { backend: 'backend1', params: { weight: 3 } });
    const seen: Record<string, number> = {};
    for (let i = 0; i < 25; i++) {
      const { backend } = await get(`${url}/`);
      seen[backend!] = (seen[backend!] ?? 0) + 1;
    }
    expect(seen.backend1).toBe(15);
    await app.call('backend.set', { backend: 'backend1', params: { weight: 1 } });
  });

  test('the backlog holds lab, backend and access log lines', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const lines = await app.call('logs.backlog', { limit: 5000 });
    const sources = new Set(lines.map((l) => l.source));
    for (const source of ['lab', 'access', 'backend1', 'build']) expect(sources.has(source)).toBe(true);
  });

  test('the traffic generator drives the lab and its figures reach the lab view', async () => {
    const seenInMetrics = new Set<string>();
    const off = app.events.on('metrics', (m) =>
      Object.keys(m.perBackend).forEach((name) => seenInMetrics.add(name)),
    );
    const before = Object.fromEntries(app.view().backends.map((b) => [b.name, b.requests]));
    await app.call('traffic.start', { rate: 200, path: '/', method: 'GET', durationSec: 0 });
    const busy = await waitForView(app, (v) => v.traffic.running && v.traffic.ok > 150, 8000);
    expect(busy.traffic.failed).toBe(0);
    await app.call('traffic.stop', {});
    expect(app.view().traffic.running).toBe(false);
    const after = await waitForView(
      app,
      (v) => v.backends.every((b) => b.requests - before[b.name]! > 30),
      3000,
    );
    expect(after.backends.map((b) => b.name)).toEqual(['backend1', 'backend2', 'backend3']);
    await new Promise((r) => setTimeout(r, 1100));
    off();
    expect([...seenInMetrics].sort()).toEqual(['backend1', 'backend2', 'backend3']);
  });

  test('a fault with a duration restores itself', async () => {
    await app.call('backend.action', { backend: 'backend3', action: 'kill', restoreAfterSec: 0.6 });
    const killed = await waitForView(
      app,
      (v) => v.backends.find((b) => b.name === 'backend3')?.state === 'killed',
      1000,
    );
    expect(killed.backends.find((b) => b.name === 'backend3')?.restoreAt).toBeGreaterThan(Date.now());
    const back = await waitForView(
      app,
      (v) => v.backends.find((b) => b.name === 'backend3')?.state === 'up',
      3000,
    );
    expect(back.backends.find((b) => b.name === 'backend3')?.restoreAt).toBeNull();
  });

  test('a toxic shows on its backend and slows it; removing it restores the speed', async () => {
    await app.call('backend.toxic', {
      backend: 'backend1',
      toxic: { kind: 'latency', ms: 250, jitterMs: 0 },
    });
    expect(app.view().backends.find((b) => b.name === 'backend1')?.toxic).toBe('latency 250±0 ms');
    const started = Date.now();
    for (let i = 0; i < 3; i++) await get(`${url}/`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    await app.call('backend.toxic', { backend: 'backend1', toxic: null });
    expect(app.view().backends.find((b) => b.name === 'backend1')?.toxic).toBeNull();
  });

  test('random chaos breaks a backend, restores it, and keeps one up', async () => {
    const faults: TimelineEvent[] = [];
    const off = app.events.on('timeline', (e) => faults.push(e));
    await app.call('chaos.start', { everySec: 1, actions: ['kill', 'pause'], restoreAfterSec: 0.5 });
    expect(app.view().chaos.running).toBe(true);
    const failures: number[] = [];
    const until = Date.now() + 2600;
    while (Date.now() < until) {
      const { status } = await get(`${url}/`);
      if (status !== 200) failures.push(status);
    }
    await app.call('chaos.stop', {});
    off();
    expect(app.view().chaos.running).toBe(false);
    expect(faults.some((e) => e.kind === 'killed' || e.kind === 'paused')).toBe(true);
    expect(failures).toEqual([]);
    await waitForView(app, (v) => v.backends.every((b) => b.state === 'up'), 3000);
  });

  test('scale to 4 then back to 3 while running', async () => {
    await app.call('lab.scale', { replicas: 4 });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend4')?.state === 'up', 3000);
    await app.call('lab.scale', { replicas: 3 });
    await waitForView(app, (v) => v.backends.length === 3, 3000);
  });
});

describe('config import', () => {
  test('a bad nginx.conf is refused with its line and column; a good one sets the lab', async () => {
    const app = new App({ settings: { runtime: 'demo' } });
    const bad = await app.call('config.import', {
      text: 'events {}\nhttp {\n  upstream backend_pool {\n    server backend1:8000\n  }\n}\n',
      file: 'nginx.conf',
    });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatchObject({ file: 'nginx.conf', line: 5 });
    const good = await app.call('config.import', {
      text: 'events {}\nhttp { upstream p { server backend1:8000 weight=2; server backend2:8000; } server { listen 80; location / { proxy_pass http://p; } } }',
      file: 'lab.conf',
    });
    expect(good.ok).toBe(true);
    expect(app.view().settings.replicas).toBe(2);
    expect(app.view().settings.backends.backend1?.weight).toBe(2);
    await app.close();
  });
});

describe('Prometheus /metrics', () => {
  test('the text format parses and carries per-backend figures', async () => {
    const port = await freePort();
    const app = new App({ settings: { runtime: 'demo', lab: 'prom', listen: `127.0.0.1:${port}` } });
    await app.call('lab.start', {});
    const view = await waitForView(app, (v) => v.backends.filter((b) => b.state === 'up').length === 3);
    for (let i = 0; i < 9; i++) await get(`${view.url}/`);
    await app.call('backend.action', { backend: 'backend2', action: 'kill' });
    await new Promise((r) => setTimeout(r, 400));
    const families = parse((await app.metrics()).text);
    const family = (name: string) => families.find((f) => f.name === name)!;
    expect(family('upstream_lab_backend_requests_total').type).toBe('COUNTER');
    const requests = Object.fromEntries(
      family('upstream_lab_backend_requests_total').metrics.map((m) => [m.labels!.backend, Number(m.value)]),
    );
    expect(requests).toEqual({ backend1: 3, backend2: 3, backend3: 3 });
    const up = Object.fromEntries(
      family('upstream_lab_backend_up').metrics.map((m) => [m.labels!.backend, Number(m.value)]),
    );
    expect(up).toEqual({ backend1: 1, backend2: 0, backend3: 1 });
    const killed = family('upstream_lab_backend_state').metrics.find(
      (m) => m.labels!.backend === 'backend2' && m.labels!.state === 'killed',
    );
    expect(Number(killed?.value)).toBe(1);
    expect(
      Number(family('upstream_lab_responses_total').metrics.find((m) => m.labels!.status === '200')?.value),
    ).toBe(9);
    await app.close();
  });
});
