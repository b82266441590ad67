import type Docker from 'dockerode';
import { z } from 'zod';
import { labName } from './labels';
import type { ReplicaInfo } from './lab-status';

export const MAX_REPLICAS = 50;

export const replicaCount = z.number().int().min(0).max(MAX_REPLICAS);

const settings = z.object({
  lab: labName,
  /** The project folder with the Dockerfile (the sample backend, or the student's own). */
  project: z.string().min(1),
  replicas: replicaCount.default(3),
  /** The tag to build and run; default upstream-lab/<lab>:latest. */
  image: z.string().min(1).optional(),
  dockerfile: z.string().min(1).optional(),
  baseImage: z.string().min(1).optional(),
  registryMirror: z.string().min(1).optional(),
  pipIndex: z.string().min(1).optional(),
  offline: z.boolean().optional(),
  /** Extra build arguments, applied over the mirror settings. */
  buildArgs: z.record(z.string(), z.string()).optional(),
  /** Extra environment for every replica (REPLICA_NAME is always set). */
  env: z.record(z.string(), z.string()).optional(),
  readinessPath: z.string().startsWith('/').default('/health'),
  /**
   * Between readiness probes while a replica (re)starts; probing stops once it answers. Django is
   * up ~0.2 s after its container starts, so a longer interval mostly adds waiting.
   */
  probeIntervalMs: z.number().int().min(20).default(50),
  readyTimeoutMs: z.number().int().min(100).default(60_000),
  /** Grace period of stop, restart and scale-down before SIGKILL. */
  stopTimeoutSec: z.number().int().min(0).default(10),
  /** History lines read from each container when its log is first followed. */
  logTail: z.number().int().min(0).default(200),
  /** Lines kept in the combined log (build + containers). */
  logCapacity: z.number().int().min(1).default(10_000),
});

export type LabSettings = z.output<typeof settings>;

export type LabOptions = z.input<typeof settings> & {
  docker: Docker;
  /** Awaited after `replica:removing` and before the container goes: let the balancer drain it. */
  beforeRemove?: (replica: ReplicaInfo) => void | Promise<void>;
};

export function parseLabSettings(options: LabOptions): LabSettings {
  const { docker: _docker, beforeRemove: _beforeRemove, ...rest } = options;
  const parsed = settings.safeParse(rest);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`,
    );
    throw new Error(`Invalid lab options: ${issues.join('; ')}`);
  }
  return parsed.data;
}
