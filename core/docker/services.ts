import type Docker from 'dockerode';
import type { Emitter } from '../events/emitter';
import type { ServicePlan } from '../project/plan';
import { envList, healthcheckFor, hostPortOf, mountsFor, portBindings, PUBLISH_HOST } from './container-spec';
import { LABEL_LAB, LABEL_ROLE, labFilter } from './labels';
import type { LabEvents } from './lab-events';
import type { ContainerLogs } from './logs';
import { tcpListening } from './tcp-check';
import { ensureLabVolume } from './volumes';

export const LABEL_SERVICE = 'upstream-lab.service';

/** A lab service with the image it will run (the compose one, pulled or local, or a stand-in). */
export interface ServiceToRun {
  plan: ServicePlan;
  image: string;
  /** Set when the image is an offline stand-in: what it is, for the user. */
  substitute?: string;
}

export interface LabServicesOptions {
  docker: Docker;
  lab: string;
  network: string;
  logs: ContainerLogs;
  events: Emitter<LabEvents>;
  /** The newest lines `source` printed, for a failure's message. */
  lastLines: (source: string, count: number) => string[];
  readyTimeoutMs?: number;
}

const POLL_MS = 100;

/**
 * The project's other services (a database, a cache): run beside the replicas on the lab network
 * under their compose names, started in depends_on order, each awaited by its healthcheck or by
 * its port before what depends on it starts. Their named volumes outlive them.
 */
export class LabServices {
  constructor(private readonly o: LabServicesOptions) {}

  containerName(service: string): string {
    return `${this.o.lab}-${service}`;
  }

  /**
   * Removes the lab's service containers left from before, then starts these in depends_on
   * order, each awaited (healthy, or listening) before what depends on it starts. Resolves when
   * all are ready: Django checks its database when runserver starts, so the replicas come after.
   */
  async up(services: ServiceToRun[]): Promise<void> {
    await this.down();
    await this.#ensureVolumes(services);
    const runs = new Map<string, Promise<void>>();
    const byName = new Map(services.map((s) => [s.plan.name, s]));
    const start = (service: ServiceToRun): Promise<void> => {
      let run = runs.get(service.plan.name);
      if (!run) {
        const deps = service.plan.dependsOn.flatMap((name) => {
          const dep = byName.get(name);
          return dep ? [start(dep)] : [];
        });
        run = Promise.all(deps).then(async () => this.#ready(service, await this.#startOne(service)));
        runs.set(service.plan.name, run);
      }
      return run;
    };
    const results = await Promise.allSettled(services.map(start));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async #ensureVolumes(services: ServiceToRun[]): Promise<void> {
    const volumes = new Set(
      services.flatMap((s) =>
        s.plan.volumes.flatMap((v) => (v.type === 'volume' && v.source ? [v.source] : [])),
      ),
    );
    await Promise.all([...volumes].map((volume) => ensureLabVolume(this.o.docker, this.o.lab, volume)));
  }

  /** Removes every service container of the lab; volumes stay. */
  async down(): Promise<void> {
    const list = await this.o.docker.listContainers({
      all: true,
      filters: { label: [labFilter(this.o.lab), `${LABEL_ROLE}=service`] },
    });
    await Promise.all(
      list
        .filter((c) => c.Labels?.[LABEL_LAB] === this.o.lab)
        .map(async (c) => {
          const container = this.o.docker.getContainer(c.Id);
          this.o.logs.forget(c.Id);
          await container.stop({ t: 10 }).catch(() => undefined);
          await container.remove({ force: true }).catch((error: { statusCode?: number }) => {
            if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
          });
        }),
    );
  }

  async #startOne({ plan, image, substitute }: ServiceToRun): Promise<Docker.Container> {
    const name = this.containerName(plan.name);
    const ports = [...plan.ports];
    if (plan.waitPort && !ports.some((p) => p.target === plan.waitPort))
      ports.push({ target: plan.waitPort, protocol: 'tcp' });
    const { exposed, bindings } = portBindings(ports);
    const healthcheck = healthcheckFor(plan.healthcheck);
    this.o.events.emit('service:starting', {
      name: plan.name,
      container: name,
      image,
      ...(substitute ? { substitute } : {}),
    });
    const container = await this.o.docker.createContainer({
      name,
      Image: image,
      Env: envList(plan.env),
      ...(plan.command ? { Cmd: plan.command } : {}),
      ...(plan.entrypoint ? { Entrypoint: plan.entrypoint } : {}),
      ...(plan.workingDir ? { WorkingDir: plan.workingDir } : {}),
      ...(plan.user ? { User: plan.user } : {}),
      ...(healthcheck ? { Healthcheck: healthcheck } : {}),
      Labels: { [LABEL_LAB]: this.o.lab, [LABEL_ROLE]: 'service', [LABEL_SERVICE]: plan.name },
      ExposedPorts: exposed,
      HostConfig: {
        NetworkMode: this.o.network,
        PortBindings: bindings,
        Mounts: mountsFor(this.o.lab, plan.volumes),
        RestartPolicy: { Name: 'no' },
      },
      NetworkingConfig: { EndpointsConfig: { [this.o.network]: { Aliases: [plan.name, ...plan.aliases] } } },
    });
    await container.start();
    void this.o.logs.follow(container.id, plan.name).catch(() => undefined);
    return container;
  }

  async #ready({ plan }: ServiceToRun, container: Docker.Container): Promise<void> {
    const port = await this.#awaitReady(container, plan);
    this.o.events.emit('service:ready', {
      name: plan.name,
      container: this.containerName(plan.name),
      ...(port ? { host: PUBLISH_HOST, port } : {}),
    });
  }

  /** Healthy (its compose or image healthcheck), or listening on its port, or still running after a moment. */
  async #awaitReady(container: Docker.Container, plan: ServicePlan): Promise<number | undefined> {
    const deadline = Date.now() + (this.o.readyTimeoutMs ?? 120_000);
    const startedAt = Date.now();
    for (;;) {
      const info = await container.inspect();
      // A one-shot service (`command: python manage.py loaddata ...`, what compose's
      // service_completed_successfully waits for) is done when it exits 0.
      if (!info.State.Running && info.State.ExitCode === 0 && info.State.Status === 'exited')
        return undefined;
      if (!info.State.Running) {
        await this.o.logs.drained(container.id);
        const lines = this.o.lastLines(plan.name, 10);
        throw new Error(
          `service ${plan.name} exited with code ${info.State.ExitCode} while starting` +
            (lines.length
              ? `; its last lines:\n${lines.map((l) => `  ${l}`).join('\n')}`
              : ' (it printed nothing)'),
        );
      }
      const hostPort = plan.waitPort ? hostPortOf(info.NetworkSettings.Ports, plan.waitPort) : undefined;
      const health = info.State.Health?.Status;
      const checked = health !== undefined && health !== 'none';
      if (checked) {
        if (health === 'healthy') return hostPort;
        if (health === 'unhealthy') {
          const last = info.State.Health?.Log?.at(-1)?.Output?.trim();
          throw new Error(
            `service ${plan.name} is unhealthy: its healthcheck failed${last ? `: ${last}` : ''}`,
          );
        }
      } else if (hostPort) {
        if (await tcpListening(PUBLISH_HOST, hostPort)) return hostPort;
      } else if (Date.now() - startedAt > 500) {
        return undefined;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `service ${plan.name} was not ready after ${Math.round((this.o.readyTimeoutMs ?? 120_000) / 1000)} s` +
            (checked
              ? ` (health: ${health})`
              : hostPort
                ? ` (nothing listens on port ${plan.waitPort})`
                : ''),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
