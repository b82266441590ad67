import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LogLine, TimelineEvent } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/**
 * Changes a running lab takes without recreating a replica (issue 12: nginx -s reload), under the
 * dashboard's own traffic generator: none of them may fail a request or stop the generator.
 */

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

const SEED_CONF = `
events {}
http {
  upstream backend_pool {
    hash $request_uri consistent;
    server backend1:8000 max_fails=3 fail_timeout=30s weight=1;
    server backend2:8000 max_fails=3 fail_timeout=30s weight=1;
    server backend3:8000 max_fails=3 fail_timeout=30s weight=5;
  }
  server {
    listen 80;
    location / {
      proxy_pass http://backend_pool;
      proxy_set_header Host $host;
    }
  }
}
`;

describe('live changes to a running lab (demo runtime)', () => {
  let app: App;
  const logs: LogLine[] = [];
  const timeline: TimelineEvent[] = [];
  let addresses: Record<string, string | null>;

  beforeAll(async () => {
    const port = await freePort();
    app = new App({ settings: { runtime: 'demo', lab: 'livetest', listen: `127.0.0.1:${port}` } });
    app.events.on('logs', (lines) => logs.push(...lines));
    app.events.on('timeline', (event) => timeline.push(event));
    expect(await app.call('lab.start', {})).toEqual({ ok: true });
    const view = await waitForView(
      app,
      (v) => v.state === 'running' && v.backends.filter((b) => b.state === 'up').length === 3,
    );
    addresses = Object.fromEntries(view.backends.map((b) => [b.name, b.addr]));
    expect(await app.call('traffic.start', { rate: 200 })).toEqual({ ok: true });
    await waitForView(app, (v) => v.traffic.ok > 100);
  });

  afterAll(() => app.close());

  /**
   * Runs `change` under the traffic; then 200 more requests answered, none failed, and no replica
   * created (but `created` new ones, for a scale-up).
   */
  async function underTraffic(change: () => Promise<unknown>, created = 0): Promise<void> {
    const before = app.view().traffic;
    const createdBefore = logs.filter((l) => l.source === 'lab' && l.text.includes(': created ')).length;
    expect(await change()).toEqual({ ok: true });
    const after = await waitForView(app, (v) => v.traffic.ok - before.ok >= 200);
    expect(after.traffic.running).toBe(true);
    expect(after.traffic.failed).toBe(0);
    expect(after.state).toBe('running');
    const createdNow = logs.filter((l) => l.source === 'lab' && l.text.includes(': created ')).length;
    expect(createdNow - createdBefore).toBe(created);
  }

  test('a method change: reloaded, said in the log and the timeline', async () => {
    await underTraffic(() => app.call('lab.start', { method: 'least_conn' }));
    const view = app.view();
    expect(view.settings.method).toBe('least_conn');
    expect(Object.fromEntries(view.backends.map((b) => [b.name, b.addr]))).toEqual(addresses);
    expect(logs.map((l) => l.text)).toContain(
      'reloaded without restarting the replicas: method round_robin → least_conn',
    );
    expect(timeline.at(-1)).toMatchObject({ backend: 'lab', kind: 'reconfigured' });
  });

  test('a weight change through the setup and through the backend table', async () => {
    await underTraffic(() => app.call('lab.start', { backends: { backend2: { weight: 4 } } }));
    expect(app.view().backends.find((b) => b.name === 'backend2')?.weight).toBe(4);
    await underTraffic(() => app.call('backend.set', { backend: 'backend1', params: { weight: 2 } }));
    expect(app.view().backends.find((b) => b.name === 'backend1')?.weight).toBe(2);
  });

  test('backup on and off: a reload, the backend moves between groups', async () => {
    await underTraffic(() => app.call('backend.set', { backend: 'backend3', params: { backup: true } }));
    expect(app.view().backends.find((b) => b.name === 'backend3')?.backup).toBe(true);
    await underTraffic(() => app.call('backend.set', { backend: 'backend3', params: { backup: false } }));
    expect(app.view().backends.find((b) => b.name === 'backend3')?.backup).toBe(false);
  });

  test('an imported nginx.conf (its method and weights) applies at once', async () => {
    await underTraffic(() =>
      app.call('config.import', { text: SEED_CONF, file: 'nginx.conf' }).then(() => ({ ok: true })),
    );
    const view = app.view();
    expect(view.upstream).toBe('backend_pool');
    expect(view.backends.find((b) => b.name === 'backend3')?.weight).toBe(5);
    expect(Object.fromEntries(view.backends.map((b) => [b.name, b.addr]))).toEqual(addresses);
    expect(logs.map((l) => l.text)).toContain(
      'reloaded without restarting the replicas: nginx.conf imported',
    );
  });

  test('a bad conf changes nothing and says where', async () => {
    const result = await app.call('config.import', {
      text: 'http { upstream x { server; } }',
      file: 'bad.conf',
    });
    expect(result).toMatchObject({ ok: false, error: { file: 'bad.conf', line: 1 } });
    expect(app.view().upstream).toBe('backend_pool');
  });

  test('scale up and down without touching the others', async () => {
    await underTraffic(() => app.call('lab.start', { replicas: 4 }), 1);
    await waitForView(app, (v) => v.backends.filter((b) => b.state === 'up').length === 4);
    await underTraffic(() => app.call('lab.start', { replicas: 3 }));
    await waitForView(app, (v) => v.backends.length === 3);
    const view = app.view();
    expect(Object.fromEntries(view.backends.map((b) => [b.name, b.addr]))).toEqual(addresses);
  });

  test('the same settings again are a rebuild: built first, then each replica replaced in turn', async () => {
    await underTraffic(async () => {
      const result = await app.call('lab.start', {});
      await waitForView(app, (v) => v.state === 'updating', 2000).catch(() => undefined);
      await waitForView(app, (v) => v.state === 'running');
      return result;
    }, 3);
    expect(timeline.filter((e) => e.kind === 'replaced').map((e) => e.backend)).toEqual([
      'backend1',
      'backend2',
      'backend3',
    ]);
    const versions = new Set<number>();
    for (let i = 0; i < 6; i++)
      versions.add(((await getJson(app.view().url!)) as { version: number }).version);
    expect([...versions]).toEqual([2]);
  });
});
