import { afterAll, expect, test } from 'vitest';
import { App } from '../../core/app/app';
import { DEFAULT_SETTINGS, labConfig } from '../../core/app/lab-config';
import { LabSession } from '../../core/app/session';
import { DemoRuntime } from '../../core/demo/demo-runtime';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

/** Issue 13, item 3: the build view and the header say what happens, no more. */
const apps: App[] = [];
afterAll(() => Promise.all(apps.map((a) => a.close())));

test('the LABEL step the engine appends for the lab is marked as ours; the project’s steps are not', async () => {
  const runtime = new DemoRuntime('buildview', 1);
  const settings = { ...DEFAULT_SETTINGS, lab: 'buildview', runtime: 'demo' as const };
  const lines: string[] = [];
  const session = new LabSession(settings, runtime, labConfig(settings, null, '127.0.0.1:0'), {
    log: (_source, text) => lines.push(text),
    notice: () => undefined,
    requests: () => undefined,
    metrics: () => undefined,
    timeline: () => undefined,
    containers: () => undefined,
    changed: () => undefined,
  });
  runtime.events.emit('build:step', { index: 1, total: 2, instruction: 'COPY . .' });
  runtime.events.emit('build:step', {
    index: 2,
    total: 2,
    instruction: 'LABEL upstream-lab.lab=buildview upstream-lab.context=ab12',
  });
  expect(session.build.steps.map((s) => s.ours)).toEqual([false, true]);
  expect(lines).toContain(
    'build: step 2/2 LABEL upstream-lab.lab=buildview upstream-lab.context=ab12 (added by Upstream Lab)',
  );
  await session.stop();
});

test('the demo backends build nothing, and say so; the header is "starting" once the build is done', async () => {
  const app = new App({
    settings: { runtime: 'demo', lab: 'demobuild', listen: `127.0.0.1:${await freePort()}` },
  });
  apps.push(app);
  const states: string[] = [];
  app.events.on('lab', (v) => states.push(`${v.state}:${v.build.state}`));
  await app.call('lab.start', {});
  const view = await waitForView(app, (v) => v.state === 'running');
  expect(view.build).toMatchObject({ state: 'done', steps: [] });
  expect(view.build.message).toMatch(/^demo backends: built in, nothing to build \(version 1\)$/);
  // Never "building" with the build done: then it waits for readiness, "starting".
  expect(states).not.toContain('building:done');
});
