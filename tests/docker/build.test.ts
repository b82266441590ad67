import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, BuildError } from '../../core/docker/build';
import type { BuildResult } from '../../core/docker/build';
import { ensureDerivedImage } from '../../core/images/derived';
import { ensureOfflineImage } from '../../core/images/offline-image';
import { pythonRecipe } from '../../core/images/python-recipe';
import {
  cleanupLab,
  dockerReachable,
  eventually,
  SAMPLE_BACKEND,
  testDocker,
  TEST_LABEL,
  uniqueLab,
} from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

describe.runIf(docker)('image build (real dockerd)', () => {
  const owner = uniqueLab('build');
  const tag = (name: string) => `upstream-lab/${owner}-${name}:latest`;
  const tags: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'ul-build-'));
  /** The Python 3.13 base with Django baked in: what the sample needs, with no network. */
  const offline: Record<string, string> = {};
  let sample: BuildResult;

  /** A copy of the sample backend with extra or replaced files. */
  function projectWith(name: string, files: Record<string, string>): string {
    const dir = join(work, name);
    cpSync(SAMPLE_BACKEND, dir, { recursive: true });
    for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
    return dir;
  }

  const build = (name: string, context: string, extra: Partial<Parameters<typeof buildImage>[1]> = {}) => {
    tags.push(tag(name));
    return buildImage(testDocker(), {
      context,
      tag: tag(name),
      buildArgs: offline,
      labels: { [TEST_LABEL]: owner },
      ...extra,
    });
  };

  /** The builder's own behaviour, on a Dockerfile that takes its base as a build argument. */
  const SAMPLE_DOCKERFILE = [
    'ARG BASE_IMAGE=python:3.13',
    'FROM ${BASE_IMAGE}',
    'WORKDIR /app',
    'COPY . .',
    'RUN pip install --no-index -r requirements.txt',
    'EXPOSE 8000',
    'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]',
    '',
  ].join('\n');

  beforeAll(async () => {
    const base = await ensureOfflineImage(testDocker(), pythonRecipe('trixie'));
    offline.BASE_IMAGE = await ensureDerivedImage(testDocker(), base, ['python3-django'], () => undefined);
    const project = projectWith('sample', {
      Dockerfile: SAMPLE_DOCKERFILE,
      'secret.txt': 'must not reach the image\n',
      '.dockerignore': 'secret.txt\n**/__pycache__\n',
    });
    sample = await build('sample', project);
  }, 120_000);

  afterAll(async () => {
    await cleanupLab(owner, tags);
    rmSync(work, { recursive: true, force: true });
  });

  it('builds the sample backend from an offline base image, step by step', () => {
    expect(sample.imageId).toMatch(/^sha256:/);
    // The classic builder counts the ARG before FROM as step 1.
    expect(sample.steps.map((s) => s.instruction).slice(0, 2)).toEqual([
      'ARG BASE_IMAGE=python:3.13',
      'FROM ${BASE_IMAGE}',
    ]);
    expect(sample.steps.map((s) => s.instruction)).toContain(
      'RUN pip install --no-index -r requirements.txt',
    );
    expect(sample.steps.at(-2)?.instruction).toBe('CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]');
    // Build labels become one last step of the classic builder.
    expect(sample.steps.at(-1)?.instruction).toBe(`LABEL ${TEST_LABEL}=${owner}`);
    expect(sample.log.join('\n')).toMatch(/Requirement already satisfied: Django/i);
  });

  it('honours .dockerignore: the ignored file is not in the context nor in the image', async () => {
    expect(sample.files).not.toContain('secret.txt');
    expect(sample.files).toContain('manage.py');
    const container = await testDocker().createContainer({
      Image: sample.imageId,
      Cmd: ['sh', '-c', 'ls /app; test ! -e /app/secret.txt'],
      Labels: { [TEST_LABEL]: owner },
    });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true })).toString();
    expect(logs).toMatch(/manage\.py/);
    expect(StatusCode).toBe(0);
  });

  it('reuses the cache on rebuild', async () => {
    const again = await build('sample', join(work, 'sample'));
    expect(again.imageId).toBe(sample.imageId);
    const afterFrom = again.steps.slice(
      again.steps.findIndex((step) => step.instruction.startsWith('FROM')) + 1,
    );
    expect(afterFrom.length).toBeGreaterThan(3);
    expect(afterFrom.every((step) => step.cached)).toBe(true);
    expect(again.log).toContain(' ---> Using cache');
  });

  it('names the failing step and shows its output', async () => {
    const project = projectWith('broken', {
      Dockerfile: [
        'ARG BASE_IMAGE',
        'FROM ${BASE_IMAGE}',
        'WORKDIR /app',
        'COPY . .',
        'RUN echo preparing',
        'RUN python -c "import not_a_real_module"',
        'CMD ["python"]',
        '',
      ].join('\n'),
    });
    const error = await build('broken', project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const message = (error as BuildError).message;
    expect(message).toMatch(
      /^build failed at step 6\/8 \(RUN python -c "import not_a_real_module"\): .*non-zero code: 1/,
    );
    expect(message).toMatch(/ModuleNotFoundError: No module named 'not_a_real_module'/);
    expect((error as BuildError).step?.index).toBe(6);
  });

  it('reports a Dockerfile the builder cannot parse', async () => {
    const project = projectWith('unparsable', {
      Dockerfile: 'FROM upstream-lab/python:3.13-trixie\nFROBNICATE now\n',
    });
    const error = await build('unparsable', project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as Error).message).toMatch(/unknown instruction: FROBNICATE/i);
  });

  it('cancels a running build, and the builder stops it', async () => {
    const marker = `${owner}-cancel`;
    const project = projectWith('slow', {
      Dockerfile: `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nRUN sleep 30 && echo ${marker}\n`,
    });
    const controller = new AbortController();
    const started = Date.now();
    const error = await build('slow', project, {
      noCache: true,
      signal: controller.signal,
      onUpdate: (u) => {
        if (u.kind === 'log' && u.line.startsWith(' ---> Running in'))
          setTimeout(() => controller.abort(), 300);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).cancelled).toBe(true);
    expect((error as Error).message).toMatch(/build cancelled at step 3\/4 \(RUN sleep 30/);
    expect(Date.now() - started).toBeLessThan(15_000);
    // The classic builder kills and removes the step's container when the client goes away.
    await eventually(async () => {
      const all = await testDocker().listContainers({ all: true });
      return !all.some((c) => c.Command.includes(marker));
    }, 15_000);
  }, 40_000);
});
