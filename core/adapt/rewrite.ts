import { applyEdits, insertAfter, removeWords, replaceWithTrue, type RawEdit } from './command-edits';
import { editDockerfile, stagesOf, type Dockerfile, type Instruction } from './dockerfile';
import { dockerWords } from './dockerfile-words';
import { pipCommandChange, pipEnvChanges, type InstructionChange, type PipPlan } from './pip-rewrite';
import { findAptCommands, findPipCommands, pipEnvSettings, type PipCommand } from './shell-commands';

export type { PipPlan };

/**
 * apt for the adapted build. `offline`: `apt-get update` → `true`, `apt-get install` gets
 * `--no-download` (the image's packages only). `drop`: packages taken out of `apt-get install`
 * (compilers an offline build does not need), the command a no-op when none is left.
 */
export interface AptPlan {
  offline?: true;
  drop?: { packages: ReadonlySet<string>; reason: string };
}

export interface BuildRewrite {
  /** Stage index → the image it starts from instead. */
  from?: Map<number, string>;
  pip?: PipPlan;
  apt?: AptPlan;
  /** Lines added before the first pip command of each stage that installs (e.g. a COPY of a wheelhouse). */
  insertBeforeFirstPip?: string[];
  /** The build arguments, for what a FROM written with `${…}` stands for. */
  buildArgs?: Record<string, string>;
}

/**
 * The Dockerfile as the adapted build runs it, with one reason per changed instruction (by its
 * first line in the original). The user's formatting stays wherever nothing changes.
 */
export function rewriteForBuild(
  dockerfile: Dockerfile,
  plan: BuildRewrite,
): { text: string; changes: Array<{ line: number; reason: string }> } {
  const changes = new Map<Instruction, InstructionChange>();
  const add = (instruction: Instruction, change: InstructionChange): void => {
    const known = changes.get(instruction);
    if (!known) changes.set(instruction, { ...change, edits: [...change.edits] });
    else {
      known.edits.push(...change.edits);
      known.reason = `${known.reason}; ${change.reason}`;
      known.remove = known.remove || change.remove;
    }
  };

  const stages = stagesOf(dockerfile, plan.buildArgs);
  for (const [index, image] of plan.from ?? []) {
    const stage = stages[index];
    if (!stage) throw new Error(`The Dockerfile has no stage ${index}`);
    if (image !== stage.imageWritten)
      add(stage.from, fromChange(stage.from, dockerfile.escape, stage, image));
  }

  const pipCommands = findPipCommands(dockerfile);
  if (plan.pip) {
    for (const command of pipCommands) {
      const change = pipCommandChange(command, plan.pip);
      if (change) add(command.instruction, change);
    }
    for (const [instruction, change] of pipEnvChanges(
      pipEnvSettings(dockerfile),
      plan.pip,
      dockerfile.escape,
    )) {
      add(instruction, change);
    }
  }

  if (plan.apt?.drop) {
    const { packages, reason } = plan.apt.drop;
    for (const apt of findAptCommands(dockerfile)) {
      const dropped = apt.action === 'install' ? apt.packages.filter((p) => packages.has(p)) : [];
      if (dropped.length === 0) continue;
      const words = apt.command.words.map((w) => w.value);
      const edits =
        dropped.length === apt.packages.length
          ? [replaceWithTrue(apt.command)]
          : words
              .map((word, i) => (i > apt.actionWord && packages.has(word) ? i : -1))
              .filter((i) => i >= 0)
              .map((i) => removeWords(apt.command, i, i, apt.instruction.raw));
      add(apt.instruction, { edits, reason: `apt-get install without ${dropped.join(', ')}: ${reason}` });
    }
  }
  if (plan.apt?.offline) {
    for (const apt of findAptCommands(dockerfile)) {
      if (apt.action === 'update') {
        add(apt.instruction, {
          edits: [replaceWithTrue(apt.command)],
          reason: 'apt-get update is a no-op offline: the package lists already in the image are used',
        });
      } else if (apt.action === 'install' && !apt.options.includes('--no-download')) {
        add(apt.instruction, {
          edits: [insertAfter(apt.command, apt.actionWord, ['--no-download'])],
          reason: 'apt-get install --no-download: only the packages the image holds, no network',
        });
      }
    }
  }

  const insertBefore = new Map<number, string[]>();
  const inserted = plan.insertBeforeFirstPip ?? [];
  const reasons = new Map<number, string[]>();
  if (inserted.length > 0) {
    for (const instruction of firstInstallsByStage(dockerfile, pipCommands)) {
      insertBefore.set(instruction.line, inserted);
      reasons.set(instruction.line, [`added before it: ${inserted.join(' / ')}`]);
    }
  }

  const replace = new Map<number, string>();
  for (const [instruction, change] of changes) {
    replace.set(instruction.line, change.remove ? '' : applyEdits(instruction.raw, change.edits));
    reasons.set(instruction.line, [change.reason, ...(reasons.get(instruction.line) ?? [])]);
  }
  return {
    text: editDockerfile(dockerfile, { replace, insertBefore }),
    changes: [...reasons].sort(([a], [b]) => a - b).map(([line, why]) => ({ line, reason: why.join('; ') })),
  };
}

function fromChange(
  from: Instruction,
  escape: string,
  stage: { imageWritten: string; image: string },
  image: string,
): InstructionChange {
  const word = dockerWords(from.args.slice(from.bodyStart), escape)[0]!;
  const start = from.bodyStart + word.start;
  const end = from.bodyStart + word.end;
  const edit: RawEdit = { from: from.argsAt[start]!, to: from.argsAt[end - 1]! + 1, text: image };
  const reason = stage.imageWritten.includes('$')
    ? `FROM ${stage.imageWritten} → ${image}: the image itself replaces the build argument (${stage.imageWritten} is ${stage.image || 'empty'} here)`
    : `FROM ${stage.imageWritten} → ${image}`;
  return { edits: [edit], reason };
}

/** The instruction of each stage's first pip command that installs from an index (not a self-upgrade). */
function firstInstallsByStage(dockerfile: Dockerfile, commands: PipCommand[]): Instruction[] {
  const froms = dockerfile.instructions.filter((i) => i.keyword === 'FROM').map((i) => i.line);
  const stageOf = (line: number): number => froms.filter((start) => start <= line).length;
  const installs = commands.filter((c) => !c.selfUpgrade && !c.noIndex);
  const firsts = new Map<number, Instruction>();
  for (const command of installs.length > 0 ? installs : commands.filter((c) => !c.selfUpgrade).slice(0, 1)) {
    const stage = stageOf(command.instruction.line);
    if (!firsts.has(stage)) firsts.set(stage, command.instruction);
  }
  return [...firsts.values()];
}
