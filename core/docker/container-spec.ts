import type Docker from 'dockerode';
import type { HealthcheckPlan } from '../project/plan';
import { labVolumeName } from './volumes';

/** Published on loopback only: the balancer runs on this machine, nobody else needs the containers. */
export const PUBLISH_HOST = '127.0.0.1';

export interface MountSpec {
  type: 'volume' | 'bind' | 'tmpfs';
  source?: string;
  target: string;
  readOnly: boolean;
}

/** Compose's volumes as the engine's mounts; named volumes are the lab's own (`<lab>_<name>`). */
export function mountsFor(lab: string, volumes: MountSpec[]): Docker.MountSettings[] {
  return volumes.map((v) => ({
    Type: v.type,
    Target: v.target,
    ReadOnly: v.readOnly,
    // An anonymous volume has no source: the engine makes one.
    Source: v.type === 'volume' && v.source ? labVolumeName(lab, v.source) : (v.source ?? ''),
  }));
}

const NS_PER_MS = 1_000_000;

/** A compose healthcheck as the engine's; `disable` turns off the image's own. */
export function healthcheckFor(
  plan: HealthcheckPlan | { disable: true } | undefined,
): Docker.HealthConfig | undefined {
  if (!plan) return undefined;
  if ('disable' in plan) return { Test: ['NONE'] };
  return {
    Test: plan.test,
    ...(plan.intervalMs !== undefined ? { Interval: plan.intervalMs * NS_PER_MS } : {}),
    ...(plan.timeoutMs !== undefined ? { Timeout: plan.timeoutMs * NS_PER_MS } : {}),
    ...(plan.startPeriodMs !== undefined ? { StartPeriod: plan.startPeriodMs * NS_PER_MS } : {}),
    ...(plan.retries !== undefined ? { Retries: plan.retries } : {}),
  };
}

export const envList = (env: Record<string, string>): string[] =>
  Object.entries(env).map(([key, value]) => `${key}=${value}`);

/** Ports published on loopback: `5432/tcp` → a host port (the one asked for, or any free one). */
export function portBindings(
  ports: Array<{ target: number; published?: number; protocol?: 'tcp' | 'udp' }>,
): {
  exposed: Record<string, object>;
  bindings: Docker.PortMap;
} {
  const exposed: Record<string, object> = {};
  const bindings: Docker.PortMap = {};
  for (const port of ports) {
    const key = `${port.target}/${port.protocol ?? 'tcp'}`;
    exposed[key] = {};
    bindings[key] = [{ HostIp: PUBLISH_HOST, HostPort: port.published ? String(port.published) : '' }];
  }
  return { exposed, bindings };
}

/** The loopback host port bound to a container port right now, if any. */
export function hostPortOf(ports: Docker.PortMap | undefined | null, target: number): number | undefined {
  const bindings = ports?.[`${target}/tcp`] ?? [];
  const binding = bindings.find((b) => b.HostIp === PUBLISH_HOST) ?? bindings[0];
  const port = Number(binding?.HostPort);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}
