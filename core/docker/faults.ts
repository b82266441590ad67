import type Docker from 'dockerode';
import type { LabContainer } from './guard';
import { inspectReplica } from './replicas';

export type Fault = 'kill' | 'stop' | 'pause' | 'unpause' | 'restart' | 'disconnect' | 'connect';

/** `recreate`: the container was removed behind the lab's back and is made again. */
export type RestoreStep = 'unpause' | 'connect' | 'start' | 'recreate';

export class FaultError extends Error {
  override name = 'FaultError';
}

const ALREADY = /is not running|is not paused|is already paused|is not connected|already exists in network/i;

export interface FaultOptions {
  /** The lab network, for disconnect and connect. */
  network: string;
  /** Grace period of `stop` and `restart` before SIGKILL. */
  stopTimeoutSec?: number;
}

/**
 * Applies one fault to a container already resolved by label (guard.ts). Repeating a fault is
 * harmless: killing a stopped container or starting a running one is reported as `changed: false`.
 */
export async function applyFault(
  docker: Docker,
  target: LabContainer,
  fault: Fault,
  options: FaultOptions,
): Promise<{ changed: boolean }> {
  const container = docker.getContainer(target.id);
  const network = docker.getNetwork(options.network);
  const t = options.stopTimeoutSec ?? 5;
  try {
    switch (fault) {
      case 'kill':
        await container.kill({ signal: 'SIGKILL' });
        break;
      case 'stop':
        await container.stop({ t });
        break;
      case 'pause':
        await container.pause();
        break;
      case 'unpause':
        await container.unpause();
        break;
      case 'restart':
        await container.restart({ t });
        break;
      case 'disconnect':
        await network.disconnect({ Container: target.id, Force: false });
        break;
      case 'connect':
        await network.connect({ Container: target.id, EndpointConfig: { Aliases: [target.name] } });
        break;
    }
    return { changed: true };
  } catch (error) {
    const e = error as { statusCode?: number; json?: { message?: string }; message: string };
    if (e.statusCode === 304) return { changed: false };
    const reason = (e.json?.message ?? e.message).trim();
    // Engines differ in the status code (409, 500, 403) but agree on the words.
    if (ALREADY.test(reason)) return { changed: false };
    throw new FaultError(`${fault} ${target.name} failed: ${reason}`);
  }
}

/** Undoes whatever fault the container is in: unpause, start, reconnect to the lab network. */
export async function restoreReplica(
  docker: Docker,
  target: LabContainer,
  options: FaultOptions,
): Promise<RestoreStep[]> {
  const done: RestoreStep[] = [];
  let snapshot = await inspectReplica(docker, target.id, options.network);
  if (snapshot.paused) {
    await applyFault(docker, target, 'unpause', options);
    done.push('unpause');
    snapshot = await inspectReplica(docker, target.id, options.network);
  }
  // Reconnect before starting: a container started without its network gets no published port.
  if (!snapshot.connected) {
    await applyFault(docker, target, 'connect', options);
    done.push('connect');
  }
  if (!snapshot.running) {
    await docker
      .getContainer(target.id)
      .start()
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 304) throw error;
      });
    done.push('start');
  }
  return done;
}
