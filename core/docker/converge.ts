import type Docker from 'dockerode';
import type { Emitter } from '../events/emitter';
import type { ProjectPlan } from '../project/plan';
import { containerName } from './labels';
import type { LabEvents } from './lab-events';
import { ref, type ReplicaSet } from './replica-set';
import { replicaSpec } from './replica-specs';
import { createReplica } from './replicas';

export interface ConvergeOptions {
  docker: Docker;
  lab: string;
  network: string;
  plan: ProjectPlan;
  replicas: ReplicaSet;
  events: Emitter<LabEvents>;
  imageId: string;
  port: number;
  desired: number;
  /** Numbers past `desired` to create too (a canary's replicas, of `imageId`). */
  extra?: number[];
  /** Start and await one replica after the other (replicas that migrate by themselves would race). */
  oneByOne?: boolean;
}

/**
 * Creates and starts the missing replicas up to the desired count (the lowest free numbers),
 * then waits until every replica that should serve answers its readiness probe. Throws each
 * cause of failure once, with the replicas it hit.
 */
export async function converge(o: ConvergeOptions): Promise<void> {
  // Numbers past the count (a canary's replicas) are not the count's.
  const taken = new Set(
    o.replicas.all.filter((r) => !r.removing && r.index <= o.desired).map((r) => r.index),
  );
  const missing: number[] = [];
  for (let index = 1; index <= o.desired; index++) if (!taken.has(index)) missing.push(index);
  missing.push(...(o.extra ?? []).filter((index) => !o.replicas.all.some((r) => r.index === index)));
  const created = new Set<number>();
  // All created, then all started, each step concurrently, as `docker compose up --scale` does:
  // one after another, each replica's create + start (~0.3 s on 2 cores) would add up.
  const creates = await Promise.allSettled(
    missing.map(async (index) => {
      const base = { lab: o.lab, image: o.imageId, network: o.network, port: o.port };
      const container = await createReplica(o.docker, replicaSpec(o.plan, index, base));
      const replica = o.replicas.add(index, container.id, containerName(o.lab, index), o.imageId);
      created.add(index);
      o.events.emit('replica:created', ref(replica));
      return container;
    }),
  );
  const containers = creates.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
  const failedCreate = creates.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failedCreate) throw failedCreate.reason;
  if (o.oneByOne) {
    for (const container of containers) {
      await container.start().catch((error: unknown) => {
        throw explainStart(error);
      });
      const replica = o.replicas.byId(container.id);
      if (!replica) continue;
      const outcome = await o.replicas.refresh(replica);
      if (!outcome.ready) throw new Error(`${replica.name}: ${outcome.error ?? 'not ready'}`);
    }
  } else {
    const starts = await Promise.allSettled(containers.map((container) => container.start()));
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw explainStart(failed.reason);
  }
  // Replicas left stopped, paused or disconnected on purpose (faults) are not waited for.
  const serving = o.replicas.all.filter(
    (r) => !r.removing && (created.has(r.index) || r.state === 'running'),
  );
  const outcomes = await Promise.all(serving.map((replica) => o.replicas.refresh(replica)));
  // Replicas of one image usually fail the same way.
  const byCause = new Map<string, string[]>();
  serving.forEach((replica, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ready) return;
    const cause = outcome.error ?? `not ready (${replica.state})`;
    byCause.set(cause, [...(byCause.get(cause) ?? []), replica.name]);
  });
  if (byCause.size > 0) {
    throw new Error([...byCause].map(([cause, names]) => `${names.join(', ')}: ${cause}`).join('\n'));
  }
}

/** The engine's words when a container cannot even start, turned into what to do. */
export function explainStart(error: unknown): Error {
  const e = error as { json?: { message?: string }; message?: string };
  const message = (e.json?.message ?? e.message ?? String(error)).trim();
  const denied = /exec: "([^"]+)": permission denied/.exec(message)?.[1];
  if (denied) {
    return new Error(
      `the replicas' command ${denied} is not executable in the image: make it executable in the project ` +
        `(\`chmod +x\` it there: COPY keeps the file's mode) or add \`RUN chmod +x ${denied}\` after the COPY in the Dockerfile.`,
    );
  }
  const missing = /exec: "([^"]+)": (executable file not found in \$PATH|no such file or directory)/.exec(
    message,
  )?.[1];
  if (missing) {
    return new Error(
      `the replicas' command ${missing} is not in the image (${message.replace(/^.*exec: /, 'exec: ')}): ` +
        'check the CMD / ENTRYPOINT, the compose `command:` or --command.',
    );
  }
  return error instanceof Error ? error : new Error(message);
}
