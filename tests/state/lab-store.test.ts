import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { App } from '../../core/app/app';
import { DEFAULT_SETTINGS } from '../../core/app/lab-config';
import { writeFileAtomic } from '../../core/state/atomic-file';
import { LabStore } from '../../core/state/lab-store';
import { defaultStateDir } from '../../core/state/state-dir';
import { freePort } from '../support/target';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ul-state-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('atomic files', () => {
  test('a write leaves no temporary file and replaces the content whole', async () => {
    const path = join(dir, 'sub', 'a.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(join(dir, 'sub'))).toEqual(['a.json']);
  });
});

describe('the lab store', () => {
  test('saves and loads a lab', async () => {
    const store = new LabStore(dir);
    const record = {
      version: 1 as const,
      settings: { ...DEFAULT_SETTINGS, lab: 'class', backends: { backend1: { weight: 3 } } },
      importedConfig: null,
      lastRun: null,
      savedAt: 1,
    };
    await store.save(record);
    expect((await store.load('class')).record).toEqual(record);
    expect(await store.load('never')).toEqual({ record: null, warning: null });
  });

  test('a corrupt file is kept aside, defaults are used, with a warning', async () => {
    const store = new LabStore(dir);
    await mkdir(join(dir, 'labs'), { recursive: true });
    await writeFile(store.path('broken'), '{"version": 1, "settings": {"lab": "broken"');
    const { record, warning } = await store.load('broken');
    expect(record).toBeNull();
    expect(warning).toMatch(/could not be read .* kept as .*broken\.json\.corrupt-\d+, using defaults/);
    const kept = (await readdir(join(dir, 'labs'))).filter((f) => f.includes('.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(dir, 'labs', kept[0]!), 'utf8')).toContain('"broken"');
  });

  test('a hand-edited last run that is not a run makes the file unreadable, named by field', async () => {
    const store = new LabStore(dir);
    await mkdir(join(dir, 'labs'), { recursive: true });
    const record = {
      version: 1,
      settings: { ...DEFAULT_SETTINGS, lab: 'edited' },
      importedConfig: null,
      savedAt: 1,
    };
    await writeFile(store.path('edited'), JSON.stringify({ ...record, lastRun: { metrics: 'lots' } }));
    const { record: loaded, warning } = await store.load('edited');
    expect(loaded).toBeNull();
    expect(warning).toMatch(/lastRun\.startedAt|lastRun\.metrics/);
  });

  test('the state folder follows UPSTREAM_LAB_HOME, then the platform', () => {
    expect(defaultStateDir({ UPSTREAM_LAB_HOME: '/x' }, 'linux')).toBe('/x');
    expect(defaultStateDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/upstream-lab');
    expect(defaultStateDir({ APPDATA: 'C:\\AppData' }, 'win32')).toContain('upstream-lab');
  });
});

describe('the App saves its lab', () => {
  test('settings, tuned weights, the imported config and the last run survive a restart', async () => {
    const port = await freePort();
    const first = new App({
      settings: { runtime: 'demo', lab: 'saved', listen: `127.0.0.1:${port}` },
      stateDir: dir,
    });
    await first.call('config.import', {
      text: 'events {}\nhttp { upstream p { server backend1:8000; server backend2:8000; } server { listen 80; location / { proxy_pass http://p; } } }\n',
      file: 'two.conf',
    });
    await first.call('lab.start', {});
    await first.events.waitFor('lab', (v) => v.backends.filter((b) => b.state === 'up').length === 2, 5000);
    await first.call('backend.set', { backend: 'backend2', params: { weight: 4 } });
    await first.call('backend.action', { backend: 'backend1', action: 'kill' });
    await new Promise((r) => setTimeout(r, 1200));
    await first.close();

    const saved = await new LabStore(dir).load('saved');
    expect(saved.record?.settings.backends.backend2?.weight).toBe(4);
    expect(saved.record?.importedConfig?.file).toBe('two.conf');
    expect(saved.record?.lastRun?.endedAt).toBeGreaterThan(0);
    expect(saved.record?.lastRun?.timeline.some((e) => e.kind === 'killed' && e.backend === 'backend1')).toBe(
      true,
    );
    expect(saved.record?.lastRun?.backends.map((b) => b.name)).toEqual(['backend1', 'backend2']);

    const second = new App({ settings: { lab: 'saved' }, stateDir: dir });
    await second.restore();
    expect(second.view().settings.replicas).toBe(2);
    expect(second.view().settings.backends.backend2?.weight).toBe(4);
    const exported = await second.call('config.export', { format: 'nginx' });
    expect(exported.text).toMatch(/server backend2:8000 .*weight=4/);
    await second.close();
  });
});
