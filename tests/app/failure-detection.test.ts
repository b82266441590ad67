import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BackendView, TimelineEvent } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { getOnce, type Sample } from '../support/load';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/**
 * Issue 14, item 1: as nginx, the balancer learns of a dead or paused backend only from its own
 * attempts (max_fails within fail_timeout, then one probe); engine-aware, it takes the backend out
 * at the engine's event. The course's conf, with short timeouts so the test takes seconds.
 */
const CONF = `
events {}
http {
  upstream backend_pool {
    server backend1:8000 max_fails=2 fail_timeout=3s;
    server backend2:8000 max_fails=2 fail_timeout=3s;
    server backend3:8000 max_fails=2 fail_timeout=3s;
  }
  server {
    listen 80;
    location / {
      proxy_pass http://backend_pool;
      proxy_read_timeout 1s;
    }
  }
}
`;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('failure detection (demo runtime)', () => {
  let app: App;
  let port: number;
  const timeline: TimelineEvent[] = [];

  beforeAll(async () => {
    app = new App({
      settings: { runtime: 'demo', lab: 'detection', listen: `127.0.0.1:${await freePort()}` },
    });
    app.events.on('timeline', (e) => timeline.push(e));
    await app.call('lab.start', {});
    await waitForView(app, (v) => v.state === 'running' && v.backends.every((b) => b.state === 'up'));
    await app.call('config.import', { text: CONF, file: 'nginx.conf' });
    port = Number(new URL(app.view().url!).port);
  });

  afterAll(() => app.close());

  const backend = (name: string): BackendView => app.view().backends.find((b) => b.name === name)!;
  const attemptsOn = (name: string, run: Run) => run.tried.filter((t) => t.includes(name)).length;

  interface Run {
    samples: Sample[];
    /** The peers each request tried, from the core's request samples. */
    tried: string[][];
  }

  /** Sequential GETs; then the records' last batch is awaited. */
  async function gets(count: number): Promise<Run> {
    const tried: string[][] = [];
    const off = app.events.on('requests', (batch) => batch.forEach((s) => tried.push(s.tried)));
    const samples: Sample[] = [];
    for (let i = 0; i < count; i++) samples.push(await getOnce(false, port));
    await pause(400);
    off();
    expect(tried).toHaveLength(count);
    return { samples, tried };
  }

  test('the setting defaults to nginx', () => {
    expect(app.view().settings.failureDetection).toBe('nginx');
  });

  test('as nginx, a killed backend stays in rotation until max_fails attempts fail, then waits out fail_timeout', async () => {
    const from = timeline.length;
    await app.call('backend.action', { backend: 'backend2', action: 'kill' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend2')?.state === 'killed');
    // Docker knows; the balancer does not yet.
    expect(backend('backend2')).toMatchObject({ inRotation: true, fails: 0, failedUntil: null });
    const reported = timeline.slice(from).find((e) => e.kind === 'engine-reported');
    expect(reported?.detail).toBe('Docker: exited; balancer: still in rotation, 0/2 fails');

    const first = await gets(9);
    // Every GET answered (the failed attempt retried on the next server)...
    expect(first.samples.map((s) => s.status)).toEqual(Array(9).fill(200));
    // ...but exactly max_fails of them tried backend2 first: then it is out.
    expect(attemptsOn('backend2', first)).toBe(2);
    const view = backend('backend2');
    expect(view).toMatchObject({ inRotation: false, fails: 2 });
    expect(view.failedUntil).toBeGreaterThan(Date.now());
    const marked = timeline.slice(from).find((e) => e.kind === 'marked-failed');
    expect(marked?.detail).toMatch(
      /^balancer: 2\/2 fails within fail_timeout=3s; out of rotation for 3 s, then one probe$/,
    );

    // Restored at once: nginx does not know, so it stays out until fail_timeout has passed.
    await app.call('backend.action', { backend: 'backend2', action: 'restore' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend2')?.state === 'failed', 5000);
    const early = await gets(6);
    expect(attemptsOn('backend2', early)).toBe(0);
    await pause(Math.max(0, view.failedUntil! - Date.now()) + 100);
    const later = await gets(6);
    expect(later.samples.filter((s) => s.backend === 'backend2').length).toBeGreaterThan(0);
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend2')?.state === 'up', 3000);
  });

  test('as nginx, a paused backend costs max_fails slow requests (proxy_read_timeout), then is out', async () => {
    await app.call('backend.action', { backend: 'backend3', action: 'pause' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend3')?.state === 'paused');
    expect(backend('backend3').inRotation).toBe(true);
    const samples = await gets(9);
    expect(samples.samples.map((s) => s.status)).toEqual(Array(9).fill(200));
    const slow = samples.samples.filter((s) => s.end - s.start >= 900);
    expect(slow).toHaveLength(2);
    expect(backend('backend3').inRotation).toBe(false);
    await app.call('backend.action', { backend: 'backend3', action: 'restore' });
    await waitForView(app, (v) => v.backends.every((b) => b.state === 'up'), 6000);
  });

  test('engine-aware, a paused backend is out at the engine event: no slow request, no failed attempt', async () => {
    await app.call('lab.start', { failureDetection: 'engine' });
    expect(app.view().settings.failureDetection).toBe('engine');
    const from = timeline.length;
    await app.call('backend.action', { backend: 'backend1', action: 'pause' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend1')?.state === 'paused');
    expect(backend('backend1').inRotation).toBe(false);
    const samples = await gets(6);
    expect(samples.samples.every((s) => s.status === 200 && s.end - s.start < 900)).toBe(true);
    expect(attemptsOn('backend1', samples)).toBe(0);
    expect(timeline.slice(from).find((e) => e.kind === 'marked-failed')?.detail).toBe(
      'out of rotation: paused (engine-aware detection)',
    );
    await app.call('backend.action', { backend: 'backend1', action: 'restore' });
    await waitForView(app, (v) => v.backends.every((b) => b.state === 'up'), 3000);
  });

  test('switched back to nginx while a backend is down: it returns to rotation for the balancer to judge', async () => {
    await app.call('backend.action', { backend: 'backend1', action: 'kill' });
    await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend1')?.state === 'killed');
    expect(backend('backend1').inRotation).toBe(false);
    await app.call('lab.start', { failureDetection: 'nginx' });
    expect(backend('backend1').inRotation).toBe(true);
    const samples = await gets(6);
    expect(samples.samples.every((s) => s.status === 200)).toBe(true);
    expect(attemptsOn('backend1', samples)).toBe(2);
    await app.call('backend.action', { backend: 'backend1', action: 'restore' });
  });
});
