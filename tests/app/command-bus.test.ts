import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { App } from '../../core/app/app';
import { freePort } from '../support/target';

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A free port outside Linux's ephemeral range (32768-60999): under load, Docker's port proxies and
 * other tests' listen(0) take ephemeral ports, and one of them could be "listening" on ours.
 */
async function quietPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (!(await listening(port))) return port;
  }
}

const apps: App[] = [];
function demoApp(): App {
  const app = new App({ settings: { runtime: 'demo', lab: 'bustest' }, stateDir: null });
  apps.push(app);
  return app;
}
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close().catch(() => undefined);
});

describe('commands run one at a time, each validated before it changes anything', () => {
  test('two lab.start at once: the second replaces the first; nothing is left listening', async () => {
    const [first, second] = [await quietPort(), await quietPort()];
    const app = demoApp();
    const a = app.call('lab.start', { listen: `127.0.0.1:${first}`, replicas: 2 });
    const b = app.call('lab.start', { listen: `127.0.0.1:${second}`, replicas: 4 });
    expect(await Promise.all([a, b])).toEqual([{ ok: true }, { ok: true }]);
    const view = app.view();
    expect(view.error).toBeNull();
    expect(view.url).toBe(`http://127.0.0.1:${second}`);
    expect(view.settings.replicas).toBe(4);
    expect(await listening(first)).toBe(false);
    expect(await listening(second)).toBe(true);
    await app.close();
    expect(await listening(second)).toBe(false);
  });

  test('close() while a start is under way: no port stays open, later commands are refused', async () => {
    const port = await freePort();
    const app = demoApp();
    const started = app.call('lab.start', { listen: `127.0.0.1:${port}` });
    const closed = app.close();
    await started;
    await closed;
    expect(await listening(port)).toBe(false);
    await expect(app.call('lab.start', {})).rejects.toThrow(/the app is closing/);
  });

  test('start then stop, sent together, end stopped', async () => {
    const port = await freePort();
    const app = demoApp();
    const started = app.call('lab.start', { listen: `127.0.0.1:${port}` });
    const stopped = app.call('lab.stop', {});
    await Promise.all([started, stopped]);
    expect(app.view().state).toBe('idle');
    expect(await listening(port)).toBe(false);
  });

  test('a refused command changes nothing: bad input, an unknown backend, no lab running', async () => {
    const port = await freePort();
    const app = demoApp();
    const before = app.view().settings;
    await expect(app.call('lab.scale', { replicas: 0 })).rejects.toThrow(/lab.scale: replicas/);
    await expect(app.call('backend.set', { backend: 'backend999', params: { weight: 5 } })).rejects.toThrow(
      /backend999 is not a backend of lab "bustest" \(backend1, backend2, backend3\)/,
    );
    await expect(app.call('backend.action', { backend: 'backend1', action: 'kill' })).rejects.toThrow(
      /no lab is running/,
    );
    expect(app.view().settings).toEqual(before);

    await app.call('lab.start', { listen: `127.0.0.1:${port}` });
    await expect(app.call('backend.action', { backend: 'backend7', action: 'kill' })).rejects.toThrow(
      /backend7 is not a backend of this lab/,
    );
    await expect(app.call('lab.start', { listen: 'nowhere' })).rejects.toThrow(/listen is HOST:PORT/);
    // The refused restart left the running lab alone.
    expect(app.view().url).toBe(`http://127.0.0.1:${port}`);
    expect(await listening(port)).toBe(true);
  });

  test('a command that changes state answers an acknowledgement; the state comes as events', async () => {
    const port = await freePort();
    const app = demoApp();
    const views: string[] = [];
    app.events.on('lab', (view) => views.push(view.state));
    expect(await app.call('lab.start', { listen: `127.0.0.1:${port}` })).toEqual({ ok: true });
    await app.events.waitFor('lab', (v) => v.state === 'running', 5000);
    expect(views).toContain('running');
  });
});
