import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emitter } from '../../core/events/emitter';
import type { LabEvents } from '../../core/docker/lab-events';
import { ContainerLogs } from '../../core/docker/logs';
import { ensureLabNetwork, removeLabNetworks } from '../../core/docker/network';
import { LabServices } from '../../core/docker/services';
import type { ServicePlan } from '../../core/project/plan';
import { cleanupLab, dockerReachable, testDocker, uniqueLab } from '../support/docker';
import { ensureTestImages, TEST_BASE_IMAGE } from '../support/offline-images';
import { requires } from '../support/prerequisites';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

const service = (name: string, command: string[], extra: Partial<ServicePlan> = {}): ServicePlan => ({
  name,
  image: TEST_BASE_IMAGE,
  usesProjectImage: false,
  aliases: [],
  env: {},
  command,
  volumes: [],
  ports: [],
  dependsOn: [],
  ...extra,
});

describe.runIf(docker)('lab services (real dockerd)', () => {
  const lab = uniqueLab('services');
  const d = testDocker();
  const lines = new Map<string, string[]>();
  const events = new Emitter<LabEvents>();
  const logs = new ContainerLogs(d, {
    onLine: ({ source, line }) => lines.set(source, [...(lines.get(source) ?? []), line]),
  });
  const services = new LabServices({
    docker: d,
    lab,
    network: `${lab}-net`,
    logs,
    events,
    lastLines: (source, count) => (lines.get(source) ?? []).slice(-count),
    readyTimeoutMs: 30_000,
  });
  beforeAll(async () => {
    await ensureLabNetwork(d, lab);
  });
  afterAll(async () => {
    logs.stopAll();
    await services.down();
    await cleanupLab(lab);
    await removeLabNetworks(d, lab);
  });

  it('in depends_on order, each awaited: a port that listens, a one-shot that exits 0', async () => {
    const ready: string[] = [];
    const off = events.on('service:ready', ({ name }) => ready.push(name));
    await services.up([
      {
        plan: service('web-init', ['sh', '-c', 'sleep 0.3; echo initialised'], { dependsOn: ['cache'] }),
        image: TEST_BASE_IMAGE,
      },
      {
        plan: service('cache', ['python3', '-m', 'http.server', '6379'], { waitPort: 6379 }),
        image: TEST_BASE_IMAGE,
      },
    ]);
    off();
    expect(ready).toEqual(['cache', 'web-init']);
  });

  it('one that exits with an error stops the start, with its last lines', async () => {
    const failing = services.up([
      { plan: service('db', ['sh', '-c', 'echo "FATAL: no such role"; exit 3']), image: TEST_BASE_IMAGE },
    ]);
    await expect(failing).rejects.toThrow(
      /service db exited with code 3 while starting; its last lines:\n {2}FATAL: no such role/,
    );
  });

  it('a failing healthcheck: unhealthy, with the check output', async () => {
    const failing = services.up([
      {
        plan: service('db', ['sleep', '60'], {
          healthcheck: { test: ['CMD-SHELL', 'echo not yet; exit 1'], intervalMs: 200, retries: 2 },
        }),
        image: TEST_BASE_IMAGE,
      },
    ]);
    await expect(failing).rejects.toThrow(/service db is unhealthy: its healthcheck failed: not yet/);
  });
});
