import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDockerfile } from '../adapt/dockerfile';
import { contextPathOf } from '../prepare/context-paths';
import type { ProjectPlan } from './plan';

const MIGRATES = /manage\.py["']?\s+(migrate|flush)\b/;

/**
 * Whether the replicas run migrations themselves as they start (`command: sh -c "python manage.py
 * migrate && ..."`, or an entrypoint script that does): then they start only after the lab's own
 * migration, or several of them would race to create the same tables.
 */
export async function replicasMigrate(plan: ProjectPlan): Promise<boolean> {
  const commands = plan.replicas.flatMap((r) => [r.command, r.entrypoint]).filter(Boolean) as string[][];
  if (commands.some((words) => MIGRATES.test(words.join(' ')))) return true;
  const text = await readFile(join(plan.image.context, plan.image.dockerfile), 'utf8').catch(() => '');
  const dockerfile = parseDockerfile(text);
  const scripts = [
    ...plan.replicas.flatMap((r) => (r.entrypoint ? [r.entrypoint] : [])),
    ...dockerfile.instructions
      .filter((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD')
      .map((i) => i.json ?? i.args.trim().split(/\s+/)),
  ];
  for (const words of scripts) {
    const script = words.find((word) => /\.sh$/.test(word));
    const instruction = dockerfile.instructions.at(-1);
    if (!script || !instruction) continue;
    const path = contextPathOf(dockerfile, instruction.line + 1, script, plan.image.context);
    if (path && MIGRATES.test(await readFile(join(plan.image.context, path), 'utf8').catch(() => '')))
      return true;
  }
  return false;
}
