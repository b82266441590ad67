import type Docker from 'dockerode';
import type { HealthcheckPlan } from '../project/plan';
import {
  envList,
  healthcheckFor,
  hostPortOf,
  mountsFor,
  PUBLISH_HOST,
  type MountSpec,
} from './container-spec';
import {
  backendName,
  containerName,
  DEFAULT_APP_PORT,
  LABEL_BACKEND,
  LABEL_IMAGE,
  LABEL_LAB,
  LABEL_PORT,
  LABEL_ROLE,
} from './labels';
import { NotInLabError } from './guard';

export { PUBLISH_HOST };

export interface ReplicaSpec {
  lab: string;
  index: number;
  image: string;
  network: string;
  /** The port the app listens on in the container. */
  port: number;
  env?: Record<string, string>;
  command?: string[];
  entrypoint?: string[];
  /** More names on the lab network (the compose service name, container_name). */
  aliases?: string[];
  volumes?: MountSpec[];
  healthcheck?: HealthcheckPlan;
  workingDir?: string;
  user?: string;
}

/** Creates `<lab>-backendN`: labelled, REPLICA_NAME set, its port on an ephemeral loopback port. */
export async function createReplica(docker: Docker, spec: ReplicaSpec): Promise<Docker.Container> {
  const name = backendName(spec.index);
  const env = { ...spec.env, REPLICA_NAME: name };
  const key = `${spec.port}/tcp`;
  const healthcheck = healthcheckFor(spec.healthcheck);
  try {
    return await docker.createContainer({
      name: containerName(spec.lab, spec.index),
      Image: spec.image,
      Env: envList(env),
      ...(spec.command ? { Cmd: spec.command } : {}),
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      ...(spec.user ? { User: spec.user } : {}),
      ...(healthcheck ? { Healthcheck: healthcheck } : {}),
      Labels: {
        [LABEL_LAB]: spec.lab,
        [LABEL_BACKEND]: name,
        [LABEL_IMAGE]: spec.image,
        [LABEL_ROLE]: 'backend',
        [LABEL_PORT]: String(spec.port),
      },
      ExposedPorts: { [key]: {} },
      HostConfig: {
        // HostPort '' asks for an ephemeral port; it can change on every start, so read it back.
        PortBindings: { [key]: [{ HostIp: PUBLISH_HOST, HostPort: '' }] },
        NetworkMode: spec.network,
        Mounts: mountsFor(spec.lab, spec.volumes ?? []),
        RestartPolicy: { Name: 'no' },
      },
      // The aliases let containers on the lab network reach it as backendN:8000, as in the seed's nginx.conf.
      NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [name, ...(spec.aliases ?? [])] } } },
    });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 409) {
      throw new NotInLabError(
        `A container named ${containerName(spec.lab, spec.index)} already exists and is not part of lab ${spec.lab}; ` +
          'it was left alone. Rename the lab or remove that container yourself.',
      );
    }
    throw error;
  }
}

export interface ReplicaSnapshot {
  id: string;
  state: string;
  running: boolean;
  paused: boolean;
  exitCode: number;
  imageId: string;
  /** On the lab network. */
  connected: boolean;
  /** The published loopback port, if the container has one right now. */
  port: number | undefined;
  tty: boolean;
  /** Docker's health status when the container has a healthcheck (`starting`, `healthy`, `unhealthy`). */
  health: string | undefined;
  /** The last healthcheck output, for a failure's message. */
  healthLog: string | undefined;
}

export async function inspectReplica(docker: Docker, id: string, network: string): Promise<ReplicaSnapshot> {
  const info = await docker.getContainer(id).inspect();
  return {
    id: info.Id,
    state: info.State.Status,
    running: info.State.Running,
    paused: info.State.Paused,
    exitCode: info.State.ExitCode,
    imageId: info.Image,
    connected: Boolean(info.NetworkSettings.Networks?.[network]),
    port: publishedPort(info.NetworkSettings.Ports, info.Config.Labels ?? {}),
    tty: Boolean(info.Config.Tty),
    health: info.State.Health?.Status,
    healthLog: info.State.Health?.Log?.at(-1)?.Output?.trim(),
  };
}

/** The published port of the replica's app port (its label; 8000 for replicas made before the label). */
export function publishedPort(
  ports: Docker.PortMap | undefined | null,
  labels: Record<string, string> = {},
): number | undefined {
  return hostPortOf(ports, Number(labels[LABEL_PORT] ?? DEFAULT_APP_PORT));
}

/**
 * Removes a replica; with `stopTimeoutSec` it is stopped first (SIGTERM, so in-flight requests
 * finish) and killed only after that grace period. A container already gone is fine.
 */
export async function removeReplica(docker: Docker, id: string, stopTimeoutSec?: number): Promise<void> {
  const container = docker.getContainer(id);
  if (stopTimeoutSec !== undefined) {
    try {
      await container.stop({ t: stopTimeoutSec });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404) return;
      // 304: already stopped; 409: paused (force removal below kills it).
      if (status !== 304 && status !== 409) throw error;
    }
  }
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 409: a removal is already in progress.
    if (status !== 404 && status !== 409) throw error;
  }
}
