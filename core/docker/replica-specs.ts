import type Docker from 'dockerode';
import { backendName } from '../lab/backend-name';
import type { ProjectPlan, ReplicaPlan } from '../project/plan';
import type { ReplicaSpec } from './replicas';

/**
 * The container of replica `index`: its own entry in the plan, or — scaling beyond the plan —
 * the last one's settings under its own name (and the service's network alias only when every
 * replica comes from one scaled service: two containers must not both answer to `backend3`).
 */
export function replicaSpec(
  plan: ProjectPlan,
  index: number,
  base: Pick<ReplicaSpec, 'lab' | 'image' | 'network' | 'port'>,
): ReplicaSpec {
  const own = plan.replicas[index - 1];
  const spec: ReplicaPlan = own ??
    plan.replicas.at(-1) ?? { name: backendName(index), service: null, aliases: [], env: {} };
  const services = new Set(plan.replicas.map((r) => r.service));
  const scaledService = services.size === 1 && !services.has(null);
  return {
    ...base,
    index,
    env: spec.env,
    aliases: own || scaledService ? spec.aliases : [],
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.entrypoint ? { entrypoint: spec.entrypoint } : {}),
    ...(spec.healthcheck ? { healthcheck: spec.healthcheck } : {}),
    ...(spec.workingDir ? { workingDir: spec.workingDir } : {}),
    ...(spec.user ? { user: spec.user } : {}),
    ...(spec.volumes ? { volumes: spec.volumes } : {}),
  };
}

/** The image's first EXPOSEd TCP port, if it has one. */
export async function exposedPort(docker: Docker, image: string): Promise<number | undefined> {
  const exposed = Object.keys((await docker.getImage(image).inspect()).Config?.ExposedPorts ?? {});
  const port = Number(exposed.find((key) => key.endsWith('/tcp'))?.split('/')[0]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}
