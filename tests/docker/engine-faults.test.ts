import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { App } from '../../core/app/app';
import { Engine } from '../../core/docker/engine';
import { resolveEndpoint } from '../../core/docker/endpoint';
import { buildImage, BuildError } from '../../core/docker/build';
import { createDocker } from '../../core/docker/engine';
import { cleanupLab, dockerReachable, engineProxy, uniqueLab } from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';
import { waitForView } from '../support/lab-view';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);
const ROOT = resolve(import.meta.dirname, '../..');

describe.runIf(docker)('engine faults (real dockerd)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ul-engine-'));
  const lab = uniqueLab('engine');
  afterAll(async () => {
    await cleanupLab(lab, [`upstream-lab/${lab}:latest`]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the engine goes away mid-session: "disconnected", then reconnected and the lab re-adopted', async () => {
    const proxy = engineProxy(join(dir, 'engine.sock'));
    await proxy.start();
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: proxy.url } });
    const app = new App({
      settings: {
        runtime: 'docker',
        lab,
        replicas: 2,
        listen: `127.0.0.1:${await freePort()}`,
        offline: true,
      },
      engine: () => new Engine({ endpoint, checkIntervalMs: 200, retryInitialMs: 100, retryMaxMs: 300 }),
      stateDir: null,
    });
    try {
      await app.call('lab.start', {});
      const running = await waitForView(
        app,
        (v) => v.backends.filter((b) => b.state === 'up').length === 2,
        90_000,
      );

      await proxy.stop();
      const down = await waitForView(app, (v) => v.engine.state === 'disconnected', 5000);
      expect(down.engine.message).toBeTruthy();
      // The containers keep running without the engine connection: traffic still flows.
      expect((await fetch(`${running.url}/`)).status).toBe(200);

      await proxy.start();
      await waitForView(app, (v) => v.engine.state === 'connected', 10_000);
      const lines = await app.call('logs.backlog', { limit: 2000 });
      expect(lines.some((l) => l.text.includes('re-adopting the lab'))).toBe(true);

      // Re-adopted: the engine's events reach the balancer again.
      await app.call('backend.action', { backend: 'backend1', action: 'kill' });
      await waitForView(app, (v) => v.backends.find((b) => b.name === 'backend1')?.state === 'killed', 3000);
      await app.call('backend.action', { backend: 'backend1', action: 'restore' });
      await waitForView(app, (v) => v.backends.every((b) => b.state === 'up'), 30_000);
      for (let i = 0; i < 4; i++) expect((await fetch(`${running.url}/`)).status).toBe(200);
    } finally {
      await app.close();
      await proxy.stop();
    }
  }, 150_000);

  test('no permission on the socket: a clear message that says what to do', async () => {
    // What `npm install` does: the CLI bundle, so the unprivileged user compiles nothing.
    await new Promise((done) =>
      spawn(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')]).on('exit', done),
    );
    const result = await new Promise<{ code: number | null; stderr: string }>((done) => {
      // `nobody` is not in the docker group, as a fresh user on a student's laptop.
      const child = spawn(process.execPath, [join(ROOT, 'bin/upstream-lab.mjs'), 'status', '--lab', lab], {
        uid: 65534,
        gid: 65534,
        env: { PATH: process.env.PATH ?? '', HOME: dir },
        cwd: dir,
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => done({ code, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/permission/i);
    expect(result.stderr).toMatch(/docker group|usermod/i);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('a full disk during a build: the error says so and how to free space', async () => {
    // A stand-in engine that forwards everything to dockerd but answers builds as a full disk does.
    const real = resolveEndpoint();
    const socket = join(dir, 'full-disk.sock');
    const fake: Server = createServer((req, res) => {
      if (req.method === 'POST' && /\/build\b/.test(req.url ?? '')) {
        req.resume();
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"stream":"Step 1/2 : FROM upstream-lab/python:3.13-trixie\\n"}\n');
        res.end(
          '{"errorDetail":{"message":"write /var/lib/docker/tmp/docker-builder1/Dockerfile: no space left on device"},' +
            '"error":"write /var/lib/docker/tmp/docker-builder1/Dockerfile: no space left on device"}\n',
        );
        return;
      }
      const upstream = httpRequest(
        { socketPath: '/var/run/docker.sock', path: req.url, method: req.method, headers: req.headers },
        (answer: IncomingMessage) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((r) => fake.listen(socket, r));
    try {
      const project = mkdtempSync(join(dir, 'project-'));
      writeFileSync(join(project, 'Dockerfile'), 'FROM upstream-lab/python:3.13-trixie\nRUN true\n');
      const client = createDocker(resolveEndpoint({ env: { DOCKER_HOST: `unix://${socket}` } }));
      const error = await buildImage(client, {
        context: project,
        tag: `upstream-lab/${lab}-full:latest`,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuildError);
      expect((error as Error).message).toMatch(/no space left on device/);
      expect((error as Error).message).toMatch(/docker system prune/);
      // Nothing else disturbed: the real engine still answers.
      expect(String(await createDocker(real).ping())).toBe('OK');
    } finally {
      await new Promise<void>((r) => fake.close(() => r()));
    }
  });
});
