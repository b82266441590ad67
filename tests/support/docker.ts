import { randomBytes } from 'node:crypto';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type Docker from 'dockerode';
import { createDocker, probeEngine } from '../../core/docker/engine';
import { resolveEndpoint } from '../../core/docker/endpoint';
import { LABEL_LAB, LABEL_ROLE, labFilter } from '../../core/docker/labels';

/** Label on every throwaway container a test makes outside a lab (log printers, foreign containers). */
export const TEST_LABEL = 'upstream-lab.test';

export { SAMPLE_BACKEND } from '../../core/lab/sample';

let client: Docker | undefined;

/** A client for the engine the environment points at (DOCKER_HOST, context, default socket). */
export function testDocker(): Docker {
  client ??= createDocker(resolveEndpoint());
  return client;
}

/** True when an engine answers within a couple of seconds. */
export async function dockerReachable(): Promise<boolean> {
  try {
    await probeEngine(testDocker(), resolveEndpoint(), 2000);
    return true;
  } catch {
    return false;
  }
}

export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  return docker
    .getImage(name)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

/** A lab name no other test file or run uses. */
export const uniqueLab = (prefix: string): string => `ult-${prefix}-${randomBytes(3).toString('hex')}`;

/** Removes whatever a test left: the lab's containers and networks, its test containers, its image. */
export async function cleanupLab(lab: string, images: string[] = []): Promise<void> {
  const docker = testDocker();
  for (const filter of [labFilter(lab), `${TEST_LABEL}=${lab}`]) {
    const containers = await docker.listContainers({ all: true, filters: { label: [filter] } });
    await Promise.all(
      containers.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  }
  const networks = await docker.listNetworks({ filters: { label: [labFilter(lab)] } });
  for (const network of networks) {
    if (network.Labels?.[LABEL_LAB] === lab)
      await docker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined);
  }
  // The engine's record of who owned the lab (an empty volume).
  await docker
    .getVolume(`${lab}-owner`)
    .remove()
    .catch(() => undefined);
  for (const image of images)
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
}

/** Runs a throwaway container from the offline base image, labelled for cleanupLab(owner). */
export async function runTestContainer(
  owner: string,
  options: { name?: string; cmd: string[]; tty?: boolean; labels?: Record<string, string> },
): Promise<Docker.Container> {
  const container = await testDocker().createContainer({
    ...(options.name ? { name: options.name } : {}),
    Image: 'upstream-lab/python:3.13-trixie',
    Cmd: options.cmd,
    Tty: options.tty ?? false,
    Labels: { [TEST_LABEL]: owner, ...options.labels },
  });
  await container.start();
  return container;
}

/** Polls `check` until it returns a value other than undefined/false. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function getJson(port: number, path = '/'): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  return (await response.json()) as Record<string, unknown>;
}

/**
 * A unix-socket proxy in front of the real engine: stopping it looks, to a client, like the
 * engine going away; starting it again like the engine coming back.
 */
export function engineProxy(path: string, target = '/var/run/docker.sock') {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  return {
    url: `unix://${path}`,
    start: () =>
      new Promise<void>((resolve) => {
        server = createServer((client) => {
          const upstream = createConnection(target);
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
            s.on('error', () => undefined);
          }
          client.pipe(upstream).pipe(client);
        });
        server.listen(path, resolve);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server?.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}

/** A lab's replica containers as the engine lists them (services left out), by name. */
export async function labReplicas(lab: string): Promise<Array<{ id: string; name: string; image: string }>> {
  const list = await testDocker().listContainers({
    all: true,
    filters: { label: [labFilter(lab)] },
  });
  return list
    .filter((c) => c.Labels[LABEL_ROLE] === undefined || c.Labels[LABEL_ROLE] === 'backend')
    .map((c) => ({ id: c.Id, name: c.Names[0]!.replace(/^\//, ''), image: c.ImageID }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
