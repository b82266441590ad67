import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ProjectFile, ProjectPlan } from './plan';

/** Larger files are not shown: a Dockerfile or nginx conf is a few kilobytes. */
const MAX_BYTES = 256 * 1024;

/** The plan's Dockerfile and balancer conf as written on disk; one that cannot be read is left out. */
export async function projectFiles(plan: ProjectPlan): Promise<ProjectFile[]> {
  const wanted: Array<{ kind: ProjectFile['kind']; path: string }> = [
    { kind: 'dockerfile', path: join(plan.image.context, plan.image.dockerfile) },
  ];
  if (plan.balancer) wanted.push({ kind: 'nginx', path: plan.balancer.file });
  const files = await Promise.all(
    wanted.map(async ({ kind, path }) => {
      const text = await readFile(path, 'utf8').catch(() => null);
      if (text === null || text.length > MAX_BYTES) return null;
      return { kind, file: relative(plan.dir, path) || path, text };
    }),
  );
  return files.filter((f) => f !== null);
}
