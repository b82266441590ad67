import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ProjectWatch, watchAction } from '../../core/project/project-watch';

describe('watchAction: Compose Watch sync or rebuild', () => {
  test.each([
    [['backend/views.py'], 'sync'],
    [['backend/views.py', 'templates/a.html'], 'sync'],
    [['Dockerfile'], 'rebuild'],
    [['backend/views.py', 'requirements.txt'], 'rebuild'],
    [['requirements/dev.txt'], 'rebuild'],
    [['docker-compose.yml'], 'rebuild'],
    [['.dockerignore'], 'rebuild'],
  ])('%j → %s', (files, kind) => expect(watchAction(files).kind).toBe(kind));
});

describe('ProjectWatch on a real folder', () => {
  let dir = '';
  let watch: ProjectWatch | null = null;
  afterEach(async () => {
    watch?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('one batch per save burst; .git, editor temp files and .dockerignore-excluded paths left out, the Dockerfile kept', async () => {
    dir = await mkdtemp(join(tmpdir(), 'upstream-lab-watch-'));
    await mkdir(join(dir, 'backend'));
    await mkdir(join(dir, '.git'));
    await mkdir(join(dir, 'media'));
    await writeFile(join(dir, '.dockerignore'), 'Dockerfile*\nmedia\n*.sqlite3\n');
    const batches: string[][] = [];
    watch = new ProjectWatch(dir, (files) => batches.push(files), 200);
    await watch.start();
    await writeFile(join(dir, 'backend', 'views.py'), 'x = 1\n');
    await writeFile(join(dir, 'backend', '.views.py.swp'), 'junk');
    await writeFile(join(dir, 'backend', 'views.py~'), 'junk');
    await writeFile(join(dir, '.git', 'index'), 'junk');
    await writeFile(join(dir, 'media', 'upload.png'), 'junk');
    await writeFile(join(dir, 'db.sqlite3'), 'junk');
    await writeFile(join(dir, 'Dockerfile'), 'FROM x\n');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(batches).toEqual([['Dockerfile', 'backend/views.py']]);
  });
});
