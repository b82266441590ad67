import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { labSettings, methodText, METHODS, type LabSettings, type LogLine } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { DEFAULT_SETTINGS, labConfig, methodOf, settingsFromConfig } from '../../core/app/lab-config';
import { describeLiveChanges } from '../../core/app/live-settings';
import { parseNginxConfig } from '../../core/nginx';
import { labRecord } from '../../core/state/lab-record';
import { waitForView } from '../support/lab-view';
import { freePort } from '../support/target';

/** Issue 13, item 3: every balancing method selectable, and the one running shown as nginx writes it. */

const conf = (method: string, servers = ['weight=1', 'weight=1', 'weight=1']): string => `
events {}
http {
  upstream backend_pool {
    ${method}
${servers.map((params, i) => `    server backend${i + 1}:8000 ${params};`).join('\n')}
  }
  server {
    listen 80;
    location / { proxy_pass http://backend_pool; }
  }
}
`;

const IMPORTED: Array<[directive: string, shown: string, settings: Partial<LabSettings>]> = [
  ['', 'round_robin', { method: 'round_robin' }],
  ['least_conn;', 'least_conn', { method: 'least_conn' }],
  ['ip_hash;', 'ip_hash', { method: 'ip_hash' }],
  [
    'hash $request_uri;',
    'hash $request_uri',
    { method: 'hash', hashKey: '$request_uri', hashConsistent: false },
  ],
  [
    'hash $request_uri consistent;',
    'hash $request_uri consistent',
    { method: 'hash', hashKey: '$request_uri', hashConsistent: true },
  ],
  ['random;', 'random', { method: 'random', randomTwo: false }],
  ['random two;', 'random two', { method: 'random', randomTwo: true }],
  ['random two least_conn;', 'random two least_conn', { method: 'random', randomTwo: true }],
];

describe('the methods in the settings', () => {
  test('all five of nginx are in the contract, hash among them', () => {
    expect([...METHODS]).toStrictEqual(['round_robin', 'least_conn', 'ip_hash', 'hash', 'random']);
    const hash = { ...DEFAULT_SETTINGS, method: 'hash', hashKey: '$remote_addr', hashConsistent: true };
    expect(labSettings.parse(hash)).toStrictEqual(hash);
  });

  test.each(IMPORTED)(
    'an imported "%s" becomes the settings\' method and key',
    (directive, shown, expected) => {
      const { config } = parseNginxConfig(conf(directive), 'nginx.conf');
      const settings = settingsFromConfig(DEFAULT_SETTINGS, config);
      expect(settings).toMatchObject(expected);
      expect(methodText(config.upstreams[0]!.method)).toBe(shown);
    },
  );

  test("the default lab runs the settings' hash with its key; no key is refused", () => {
    const settings: LabSettings = {
      ...DEFAULT_SETTINGS,
      method: 'hash',
      hashKey: ' $cookie_id ',
      hashConsistent: true,
    };
    expect(labConfig(settings, null).upstreams[0]!.method).toStrictEqual({
      kind: 'hash',
      key: '$cookie_id',
      consistent: true,
    });
    expect(() => methodOf({ ...settings, hashKey: '  ' })).toThrow(/hash method needs a key/);
    expect(labConfig({ ...settings, method: 'random' }, null).upstreams[0]!.method).toStrictEqual({
      kind: 'random',
      two: false,
      leastConn: false,
    });
  });

  test('a new key or consistent is a live change said in nginx words', () => {
    const before: LabSettings = {
      ...DEFAULT_SETTINGS,
      method: 'hash',
      hashKey: '$request_uri',
      hashConsistent: false,
    };
    expect(describeLiveChanges(before, { ...before, hashConsistent: true }, [])).toStrictEqual([
      'method hash $request_uri → hash $request_uri consistent',
    ]);
    expect(describeLiveChanges(DEFAULT_SETTINGS, { ...before }, [])).toStrictEqual([
      'method round_robin → hash $request_uri',
    ]);
  });

  test('a lab saved before hash was a setting still loads', () => {
    const { hashKey: _key, hashConsistent: _consistent, ...old } = DEFAULT_SETTINGS;
    const record = labRecord.parse({
      version: 1,
      settings: old,
      importedConfig: null,
      lastRun: null,
      savedAt: 1,
    });
    expect(record.settings).toMatchObject({ method: 'round_robin', hashKey: '', hashConsistent: false });
  });
});

function getJson(url: string): Promise<{ backend: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as { backend: string }));
    }).on('error', reject);
  });
}

describe('a running lab (demo runtime): the method shown, scale-up defaults, fresh stats', () => {
  let app: App;
  const logs: LogLine[] = [];

  beforeAll(async () => {
    const port = await freePort();
    app = new App({ settings: { runtime: 'demo', lab: 'methodtest', listen: `127.0.0.1:${port}` } });
    app.events.on('logs', (lines) => logs.push(...lines));
    expect(await app.call('lab.start', {})).toEqual({ ok: true });
    await waitForView(
      app,
      (v) => v.state === 'running' && v.backends.filter((b) => b.state === 'up').length === 3,
    );
  });

  afterAll(() => app.close());

  const upCount = (n: number) => (v: ReturnType<App['view']>) =>
    v.state === 'running' && v.backends.length === n && v.backends.every((b) => b.state === 'up');

  test('each method chosen in the setup runs, and the view names it', async () => {
    expect(app.view().method).toBe('round_robin');
    for (const method of ['least_conn', 'ip_hash', 'random', 'round_robin'] as const) {
      expect(await app.call('lab.start', { method })).toEqual({ ok: true });
      expect(app.view().method).toBe(method);
    }
    expect(
      await app.call('lab.start', { method: 'hash', hashKey: '$request_uri', hashConsistent: true }),
    ).toEqual({
      ok: true,
    });
    expect(app.view().method).toBe('hash $request_uri consistent');
    expect(logs.map((l) => l.text)).toContain(
      'reloaded without restarting the replicas: method round_robin → hash $request_uri consistent',
    );
    await expect(app.call('lab.start', { hashKey: '' })).rejects.toThrow(/hash method needs a key/);
    expect(app.view().method).toBe('hash $request_uri consistent');
  });

  test.each(IMPORTED)(
    'an imported "%s" is what the view and the settings show',
    async (directive, shown, expected) => {
      const result = await app.call('config.import', { text: conf(directive), file: 'nginx.conf' });
      expect(result).toMatchObject({ ok: true });
      const view = app.view();
      expect(view.method).toBe(shown);
      expect(view.settings).toMatchObject(expected);
    },
  );

  test('a method chosen in the setup after an import is the one that runs; the same one keeps the conf’s words', async () => {
    const imported = conf('hash $request_uri consistent;');
    expect(await app.call('config.import', { text: imported, file: 'nginx.conf' })).toMatchObject({
      ok: true,
    });
    expect(app.view().method).toBe('hash $request_uri consistent');
    expect(await app.call('lab.start', { method: 'least_conn' })).toEqual({ ok: true });
    expect(app.view().method).toBe('least_conn');
    expect(await app.call('config.export', { format: 'nginx' })).toMatchObject({
      text: expect.stringMatching(/upstream backend_pool \{\s*least_conn;/),
    });
    expect(await app.call('lab.start', { method: 'random', randomTwo: true })).toEqual({ ok: true });
    expect(app.view().method).toBe('random two');
    // Re-importing `random two least_conn` and choosing what it already says keeps its words.
    await app.call('config.import', { text: conf('random two least_conn;'), file: 'nginx.conf' });
    expect(await app.call('lab.start', { method: 'random', randomTwo: true })).toEqual({ ok: true });
    expect(app.view().method).toBe('random two least_conn');
    expect(await app.call('lab.start', { method: 'round_robin' })).toEqual({ ok: true });
    expect(app.view().method).toBe('round_robin');
  });

  test("a scale-up gives the new backend the lab's defaults, not backend1's tuned weight", async () => {
    const tuned = conf('', ['weight=5', 'weight=1', 'weight=1']);
    expect(await app.call('config.import', { text: tuned, file: 'tuned.conf' })).toMatchObject({ ok: true });
    expect(await app.call('lab.start', { replicas: 4 })).toEqual({ ok: true });
    const view = await waitForView(app, upCount(4));
    expect(view.backends.map((b) => b.weight)).toStrictEqual([5, 1, 1, 1]);
    // Weights 5, 1, 1, 1: two rounds of 8. Had backend4 copied backend1's weight 5, it would take ~6 of 16.
    const served: Record<string, number> = {};
    for (let i = 0; i < 16; i++) {
      const { backend } = await getJson(view.url!);
      served[backend] = (served[backend] ?? 0) + 1;
    }
    expect(served.backend1).toBeGreaterThanOrEqual(9);
    expect(served.backend4).toBeGreaterThanOrEqual(1);
    expect(served.backend4).toBeLessThanOrEqual(3);
  });

  test('a replica created anew (scaled down, then up) starts with fresh figures', async () => {
    const before = await waitForView(
      app,
      (v) => (v.backends.find((b) => b.name === 'backend4')?.requests ?? 0) > 0,
    );
    expect(before.backends.find((b) => b.name === 'backend1')!.requests).toBeGreaterThan(0);
    expect(await app.call('lab.start', { replicas: 3 })).toEqual({ ok: true });
    await waitForView(app, upCount(3));
    expect(await app.call('lab.start', { replicas: 4 })).toEqual({ ok: true });
    const after = await waitForView(app, upCount(4));
    const backend4 = after.backends.find((b) => b.name === 'backend4')!;
    expect(backend4).toMatchObject({ requests: 0, lastError: null, avgMs: null, p95Ms: null, share: 0 });
    // The others keep theirs.
    expect(after.backends.find((b) => b.name === 'backend1')!.requests).toBeGreaterThan(0);
  });
});
