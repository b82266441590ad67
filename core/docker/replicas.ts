import type Docker from 'dockerode';
import {
  BACKEND_PORT,
  backendName,
  containerName,
  LABEL_BACKEND,
  LABEL_IMAGE,
  LABEL_LAB,
  LABEL_ROLE,
} from './labels';
import { NotInLabError } from './guard';

/** Published on loopback only: the balancer runs on this machine, nobody else needs the replicas. */
export const PUBLISH_HOST = '127.0.0.1';

export interface ReplicaSpec {
  lab: string;
  index: number;
  image: string;
  network: string;
  env?: Record<string, string>;
}

/** Creates `<lab>-backendN`: labelled, REPLICA_NAME set, 8000/tcp on an ephemeral loopback port. */
export async function createReplica(docker: Docker, spec: ReplicaSpec): Promise<Docker.Container> {
  const name = backendName(spec.index);
  const env = { ...spec.env, REPLICA_NAME: name };
  try {
    return await docker.createContainer({
      name: containerName(spec.lab, spec.index),
      Image: spec.image,
      Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
      Labels: {
        [LABEL_LAB]: spec.lab,
        [LABEL_BACKEND]: name,
        [LABEL_IMAGE]: spec.image,
        [LABEL_ROLE]: 'backend',
      },
      ExposedPorts: { [BACKEND_PORT]: {} },
      HostConfig: {
        // HostPort '' asks for an ephemeral port; it can change on every start, so read it back.
        PortBindings: { [BACKEND_PORT]: [{ HostIp: PUBLISH_HOST, HostPort: '' }] },
        NetworkMode: spec.network,
        RestartPolicy: { Name: 'no' },
      },
      // The alias lets containers on the lab network reach it as backendN:8000, as in the seed's nginx.conf.
      NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [name] } } },
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
    port: publishedPort(info.NetworkSettings.Ports),
    tty: Boolean(info.Config.Tty),
  };
}

export function publishedPort(ports: Docker.PortMap | undefined | null): number | undefined {
  const bindings = ports?.[BACKEND_PORT] ?? [];
  const binding = bindings.find((b) => b.HostIp === PUBLISH_HOST) ?? bindings[0];
  const port = Number(binding?.HostPort);
  return Number.isInteger(port) && port > 0 ? port : undefined;
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
