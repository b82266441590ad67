import type Docker from 'dockerode';
import type { Dockerfile, Stage } from '../adapt/dockerfile';
import type { PipPlan } from '../adapt/rewrite';
import type { PipCommand } from '../adapt/shell-commands';
import { ensureDerivedImage } from '../images/derived';
import { ensureOfflineImage, type OfflineImage, type OfflineImageOptions } from '../images/offline-image';
import { pythonRecipe } from '../images/python-recipe';
import { PYTHON_OF_SUITE } from '../images/recipes';
import type { ContextOverrides } from './adapted-context';
import { pythonSuiteFor } from './offline-substitutes';
import { planOfflineRequirements, WHEELHOUSE_IN_IMAGE } from './offline-requirements';

export interface OfflinePython {
  base: OfflineImage;
  /** The derived image every stage that runs pip starts FROM. */
  image: string;
  /** Stages (by index) that run pip and so start from `image`. */
  stages: number[];
  pip: PipPlan;
  reason: string;
  warnings: string[];
}

/**
 * Pip without an index: the offline Python base of the version the Dockerfile asks for, with the
 * requirements baked in as Debian packages (a derived image), the requirements files rewritten
 * to ask only for what the wheelhouse supplies, and its wheels added to the context.
 */
export async function offlinePython(o: {
  docker: Docker;
  context: string;
  dockerfile: Dockerfile;
  stages: Stage[];
  commands: PipCommand[];
  overrides: ContextOverrides;
  machine: string;
  wheelhouse?: string;
  why: string;
  offlineImages?: OfflineImageOptions;
  log: (line: string) => void;
}): Promise<OfflinePython> {
  const pipStages = stagesRunningPip(o.stages, o.commands);
  const last = o.stages.filter((s) => pipStages.includes(s.index)).at(-1);
  const choice = pythonSuiteFor(last?.image ?? 'python:3.13');
  const base = await ensureOfflineImage(o.docker, pythonRecipe(choice.suite), {
    ...o.offlineImages,
    onLog: o.log,
  });
  const offline = await planOfflineRequirements({
    dir: o.context,
    dockerfile: o.dockerfile,
    commands: o.commands,
    sent: o.overrides.files,
    debs: base.debs,
    python: PYTHON_OF_SUITE[choice.suite],
    machine: o.machine,
    ...(o.wheelhouse ? { wheelhouse: o.wheelhouse } : {}),
  });
  const image = await ensureDerivedImage(o.docker, base, offline.debs, o.log);
  for (const [path, rewritten] of offline.rewritten) o.overrides.files.set(path, rewritten);
  for (const [path, file] of offline.wheels) o.overrides.extra.set(path, file);
  // Offline, a package built from source (an sdist, `-e .`) cannot fetch its build backend.
  const builds = offline.resolutions.some(
    (r) => r.via === 'local' || (r.via === 'wheelhouse' && r.wheel.kind === 'sdist'),
  );
  return {
    base,
    image,
    stages: pipStages,
    pip: {
      kind: 'offline',
      ...(offline.wheels.size ? { findLinks: WHEELHOUSE_IN_IMAGE } : {}),
      ...(builds ? { noBuildIsolation: true } : {}),
      ...(offline.inlineMet.size ? { met: offline.inlineMet } : {}),
    },
    reason:
      `${o.why}: the requirements come from Debian packages baked into ${image} (${base.title})` +
      (offline.wheels.size ? ` and ${offline.wheels.size} wheel(s) of the wheelhouse` : ''),
    warnings: [...(choice.note ? [choice.note] : []), ...offline.warnings],
  };
}

/** The stages (not built FROM another stage) whose instructions run a pip install. */
function stagesRunningPip(stages: Stage[], commands: PipCommand[]): number[] {
  const out = new Set<number>();
  for (const command of commands) {
    if (command.selfUpgrade) continue;
    const stage = stages.filter((s) => s.from.line <= command.instruction.line).at(-1);
    // A stage FROM an earlier one inherits its base: the earlier one is what changes.
    let root = stage;
    while (root?.parentStage !== undefined) root = stages[root.parentStage];
    if (root) out.add(root.index);
  }
  return [...out].sort((a, b) => a - b);
}
