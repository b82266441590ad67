import type Docker from 'dockerode';
import { z } from 'zod';
import type { OfflineImageOptions } from '../images/offline-image';
import type { NetworkProbe } from '../prepare/network-probe';
import type { MigrationRecord } from './lab-dependencies';
import type { ProjectPlan } from '../project/plan';
import type { LabOwner } from '../state/lock-owner';
import { labName } from './labels';
import type { ReplicaInfo } from './lab-status';

export const MAX_REPLICAS = 50;

export const replicaCount = z.number().int().min(0).max(MAX_REPLICAS);

const settings = z.object({
  lab: labName,
  /** The project folder (the sample backend, or the student's own). */
  project: z.string().min(1),
  replicas: replicaCount.default(3),
  /** The tag to build and run; default upstream-lab/<lab>:latest. */
  image: z.string().min(1).optional(),
  /** No network at all: nothing pulled, pip offline, builds with --network none. */
  offline: z.boolean().default(false),
  /** Docker Hub mirrors, tried in order when a registry cannot be reached. */
  registryMirrors: z.array(z.string().min(1)).default([]),
  /** The PyPI mirror for a Dockerfile whose own index cannot be reached. */
  pipIndex: z.string().min(1).optional(),
  /** What the Dockerfile's last stage starts FROM instead of its own image. */
  baseImage: z.string().min(1).optional(),
  /** Wheels for requirements Debian does not have (offline). */
  wheelhouse: z.string().min(1).optional(),
  /** Extra environment for every replica when there is no plan (REPLICA_NAME is always set). */
  env: z.record(z.string(), z.string()).optional(),
  /** A health path of the app's (2xx/3xx); default: GET / answered below 500. */
  readyPath: z.string().startsWith('/').optional(),
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
  /** How the project runs (compose roles, replicas, services); default: its Dockerfile alone. */
  plan?: ProjectPlan;
  /** Whether registries and indexes answer (default: a short HTTPS request; tests inject one). */
  probe?: NetworkProbe;
  offlineImages?: OfflineImageOptions;
  /** Remembers the database the last `migrate` completed against (default: none, migrate every start). */
  migrations?: MigrationRecord;
  /** Awaited after `replica:removing` and before the container goes: let the balancer drain it. */
  beforeRemove?: (replica: ReplicaInfo) => void | Promise<void>;
  /** Where the lab's lock file goes (locks/<lab>.lock); null or absent: the engine's record only. */
  stateDir?: string | null;
  /** Who takes the lab when it is built or started (default: this process). */
  owner?: LabOwner;
};

export function parseLabSettings(options: LabOptions): LabSettings {
  const {
    docker: _docker,
    beforeRemove: _b,
    plan: _p,
    probe: _probe,
    offlineImages: _o,
    migrations: _m,
    stateDir: _s,
    owner: _owner,
    ...rest
  } = options;
  const parsed = settings.safeParse(rest);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`,
    );
    throw new Error(`Invalid lab options: ${issues.join('; ')}`);
  }
  return parsed.data;
}
