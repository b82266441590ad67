import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listContext } from '../../core/docker/build-context';
import { BuildProgress } from '../../core/docker/build-progress';
import { isDockerHubImage, throughMirror } from '../../core/docker/mirrors';

const root = mkdtempSync(join(tmpdir(), 'ul-context-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('listContext', () => {
  it('honours .dockerignore with Docker’s rules, exceptions included', async () => {
    const dir = project('ignore', {
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'secret.txt\n*.log\nnode_modules\ndocs/*\n!docs/keep.md\n**/__pycache__\n',
      'app.py': '',
      'secret.txt': '',
      'debug.log': '',
      'sub/debug.log': '',
      'node_modules/x/index.js': '',
      'docs/keep.md': '',
      'docs/drop.md': '',
      'pkg/__pycache__/m.pyc': '',
      'pkg/m.py': '',
    });
    expect(await listContext(dir)).toEqual([
      '.dockerignore',
      'Dockerfile',
      'app.py',
      'docs',
      'docs/keep.md',
      'pkg',
      'pkg/m.py',
      // `*.log` matches only at the top, as in Docker (not like .gitignore).
      'sub',
      'sub/debug.log',
    ]);
  });

  it('always sends the Dockerfile and .dockerignore, even when ignored', async () => {
    const dir = project('self', { Dockerfile: 'FROM scratch\n', '.dockerignore': '*\n', 'a.txt': '' });
    expect(await listContext(dir)).toEqual(['.dockerignore', 'Dockerfile']);
  });

  it('says when the project has no Dockerfile', async () => {
    const dir = project('empty', { 'a.txt': '' });
    await expect(listContext(dir)).rejects.toThrow(/No Dockerfile in/);
  });
});

describe('BuildProgress', () => {
  it('tracks steps, cache hits, output split across messages, and the image ID', () => {
    const p = new BuildProgress();
    const updates = [
      { stream: 'Step 1/3 : FROM base\n' },
      { stream: ' ---> 03a9d5fe79b6\n' },
      { stream: 'Step 2/3 : COPY . .\n' },
      { stream: ' ---> Using cache\n ---> 1b2c\n' },
      { stream: 'Step 3/3 : RUN echo hi\n ---> Running in abc\n' },
      { stream: 'h' },
      { stream: 'i\nthere\n' },
      { aux: { ID: 'sha256:feed' } },
      { stream: 'Successfully built feed\n' },
    ].flatMap((m) => p.push(m));
    expect(p.steps.map((s) => [s.index, s.total, s.instruction, s.cached])).toEqual([
      [1, 3, 'FROM base', false],
      [2, 3, 'COPY . .', true],
      [3, 3, 'RUN echo hi', false],
    ]);
    expect(p.steps[2]!.output).toEqual(['hi', 'there']);
    expect(p.builtId).toBe('sha256:feed');
    expect(updates.filter((u) => u.kind === 'step')).toHaveLength(3);
    expect(updates).toContainEqual({ kind: 'cached', step: 2 });
  });

  it('records the error against the current step', () => {
    const p = new BuildProgress();
    p.push({ stream: 'Step 4/7 : RUN pip install -r requirements.txt\n' });
    p.push({ stream: 'ERROR: No matching distribution found for nope' });
    p.push({
      errorDetail: { code: 1, message: "The command '/bin/sh -c pip install' returned a non-zero code: 1" },
      error: 'x',
    });
    expect(p.current?.output).toEqual(['ERROR: No matching distribution found for nope']);
    expect(p.error).toMatch(/non-zero code: 1/);
  });
});

describe('Docker Hub mirrors', () => {
  it('puts Docker Hub images behind a mirror, in the form the mirror is written in', () => {
    expect(throughMirror('nginx:1.27', 'https://docker.arvancloud.ir/')).toBe(
      'docker.arvancloud.ir/nginx:1.27',
    );
    expect(throughMirror('library/python:3.13', 'm.example')).toBe('m.example/library/python:3.13');
    expect(throughMirror('docker.io/library/python:3.13', 'm.example')).toBe('m.example/library/python:3.13');
    expect(throughMirror('nginx:1.27', undefined)).toBe('nginx:1.27');
    // Our own images exist only locally; other registries' images are not Docker Hub's.
    expect(throughMirror('upstream-lab/python:3.13-trixie', 'm.example')).toBe(
      'upstream-lab/python:3.13-trixie',
    );
    expect(throughMirror('ghcr.io/org/app:1', 'm.example')).toBe('ghcr.io/org/app:1');
  });

  it('tells Docker Hub images from other registries by Docker’s rule', () => {
    expect(isDockerHubImage('python:3.13')).toBe(true);
    expect(isDockerHubImage('ghcr.io/org/app:1')).toBe(false);
    expect(isDockerHubImage('localhost:5000/app')).toBe(false);
  });
});
