import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { projectRules, watchAction } from '../../core/project/project-watch';
import { load, loadError, serviceOf, warningsOf } from './support/project';

/** Issue 12, item 5: compose `develop.watch` rules, read as Compose Watch reads them. */
const WATCHED = `
services:
  web:
    build: .
    develop:
      watch:
        - action: sync
          path: ./backend
          target: /app/backend
          ignore: [migrations/]
        - action: rebuild
          path: requirements.txt
        - action: sync+restart
          path: ./config
          target: /etc/app
`;

describe('develop.watch', () => {
  test('its rules: paths on this machine, targets in the container; no "ignored" warning', async () => {
    const project = await load(WATCHED);
    expect(serviceOf(project, 'web').watch).toEqual([
      { action: 'sync', path: join(project.dir, 'backend'), target: '/app/backend', ignore: ['migrations/'] },
      { action: 'rebuild', path: join(project.dir, 'requirements.txt'), ignore: [] },
      { action: 'sync+restart', path: join(project.dir, 'config'), target: '/etc/app', ignore: [] },
    ]);
    expect(warningsOf(project).filter((w) => w.includes('develop'))).toEqual([]);
  });

  test('a batch takes its files’ rules: sync into the target, restart, rebuild wins, others unwatched', async () => {
    const project = await load(WATCHED);
    const { rules, outside } = projectRules(project.dir, serviceOf(project, 'web').watch!);
    expect(outside).toEqual([]);
    expect(watchAction(['backend/views.py', 'README.md', 'backend/migrations/0002.py'], rules)).toEqual({
      kind: 'sync',
      files: ['backend/views.py'],
      copies: [{ from: 'backend', to: '/app/backend', files: ['views.py'] }],
      restart: false,
    });
    expect(watchAction(['config/app.ini', 'backend/urls.py'], rules)).toEqual({
      kind: 'sync',
      files: ['config/app.ini', 'backend/urls.py'],
      copies: [
        { from: 'config', to: '/etc/app', files: ['app.ini'] },
        { from: 'backend', to: '/app/backend', files: ['urls.py'] },
      ],
      restart: true,
    });
    expect(watchAction(['backend/views.py', 'requirements.txt'], rules).kind).toBe('rebuild');
    // Without rules: the project's own defaults (a Dockerfile change rebuilds, the rest syncs into WORKDIR).
    expect(watchAction(['backend/views.py'])).toEqual({
      kind: 'sync',
      files: ['backend/views.py'],
      copies: [{ from: '', to: null, files: ['backend/views.py'] }],
      restart: false,
    });
  });

  test('a rule the lab cannot carry out is refused where it is written', async () => {
    const noTarget = await loadError(`
services:
  web:
    build: .
    develop:
      watch:
        - action: sync
          path: ./backend
`);
    expect(noTarget).toMatch(/compose\.yaml:7:\d+: .*a sync rule needs an absolute target/);
    const exec = await loadError(`
services:
  web:
    build: .
    develop:
      watch:
        - action: sync+exec
          path: ./backend
          target: /app
`);
    expect(exec).toMatch(
      /compose\.yaml:7:\d+: .*sync\+exec is not supported by upstream-lab: use sync\+restart/,
    );
  });

  test('a rule outside the project folder is set apart (the watch follows the project only)', async () => {
    const project = await load(`
services:
  web:
    build: .
    develop:
      watch:
        - action: sync
          path: ../shared
          target: /shared
`);
    const { rules, outside } = projectRules(project.dir, serviceOf(project, 'web').watch!);
    expect(rules).toEqual([]);
    expect(outside).toEqual([join(project.dir, '..', 'shared')]);
  });
});
