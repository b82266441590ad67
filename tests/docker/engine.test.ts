import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, Engine } from '../../core/docker/engine';
import { EngineError } from '../../core/docker/engine-errors';
import { resolveEndpoint } from '../../core/docker/endpoint';
import { dockerReachable, engineProxy } from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';

const dir = mkdtempSync(join(tmpdir(), 'ul-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('engine connection errors', () => {
  it('a DOCKER_HOST socket that does not exist: the engine is not running, and how to start it', async () => {
    const error = await connectEngine({ env: { DOCKER_HOST: `unix://${join(dir, 'missing.sock')}` } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('not-running');
    expect((error as EngineError).message).toMatch(/engine is not running \(no socket at .*missing\.sock\)/);
    expect((error as EngineError).message).toMatch(/systemctl start docker/);
    expect((error as EngineError).message).toMatch(/from DOCKER_HOST/);
  });

  it('tcp://127.0.0.1:1: connection refused', async () => {
    const error = await connectEngine({ env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } }).catch((e: unknown) => e);
    expect((error as EngineError).code).toBe('refused');
    expect((error as EngineError).message).toMatch(/tcp:\/\/127\.0\.0\.1:1.*connection refused/);
  });

  it('a DOCKER_HOST without a scheme is taken as tcp://', async () => {
    const error = await connectEngine({ env: { DOCKER_HOST: '127.0.0.1:1' } }).catch((e: unknown) => e);
    expect((error as EngineError).code).toBe('refused');
  });

  it('something that is not Docker on the other end', async () => {
    const server = createServer((socket) =>
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const error = await connectEngine({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` } }).catch(
      (e: unknown) => e,
    );
    server.close();
    expect((error as EngineError).code).toBe('not-docker');
  });
});

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

describe.runIf(docker)('engine (real dockerd)', () => {
  it('connects with ping and version', async () => {
    const engine = await connectEngine();
    expect(engine.info?.apiVersion).toMatch(/^1\.\d+$/);
    expect(engine.info?.version).toBeTruthy();
  });

  it('notices the engine going away and reconnects when it is back', async () => {
    // A socket proxy in front of the real engine stands in for an engine that stops and starts.
    const target = resolveEndpoint();
    if (target.address.kind !== 'unix') return;
    const proxy = engineProxy(join(dir, 'proxy.sock'), target.address.path);
    await proxy.start();
    const engine = new Engine({
      env: { DOCKER_HOST: proxy.url },
      checkIntervalMs: 100,
      retryInitialMs: 50,
      retryMaxMs: 200,
    });
    const seen: string[] = [];
    engine.events.on('connected', ({ reconnected }) => seen.push(reconnected ? 'reconnected' : 'connected'));
    engine.events.on('disconnected', ({ error }) => seen.push(`disconnected:${error.code}`));
    try {
      engine.watch();
      await engine.events.waitFor('connected', () => true, 5000);
      await proxy.stop();
      const { error } = await engine.events.waitFor('disconnected', () => true, 5000);
      expect(error.message).toMatch(/not running/);
      expect(engine.connected).toBe(false);
      await proxy.start();
      const { reconnected } = await engine.events.waitFor('connected', () => true, 5000);
      expect(reconnected).toBe(true);
      expect(seen).toEqual(['connected', 'disconnected:not-running', 'reconnected']);
    } finally {
      engine.close();
      await proxy.stop();
    }
  });
});
