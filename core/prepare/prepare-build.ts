import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { unifiedDiff } from '../adapt/diff';
import { parseDockerfile, stagesOf, type Dockerfile, type Stage } from '../adapt/dockerfile';
import { rewriteForBuild, type AptPlan, type PipPlan } from '../adapt/rewrite';
import { findAptCommands, findPipCommands, pipEnvSettings, type PipCommand } from '../adapt/shell-commands';
import type { OfflineImage, OfflineImageOptions } from '../images/offline-image';
import type { ImagePlan } from '../project/plan';
import { adaptedContext, type ContextEntry, type ContextOverrides } from './adapted-context';
import { chooseImage, type ImageChoice } from './image-source';
import type { NetworkProbe } from './network-probe';
import { firstRequirementsFile, WHEELHOUSE_IN_CONTEXT, WHEELHOUSE_IN_IMAGE } from './offline-requirements';
import { offlinePython } from './offline-python';
import { choosePipRoute, type PipRoute } from './pip-route';

export interface BuildSources {
  /** No network at all: nothing is pulled, pip never goes online, the build runs with --network none. */
  offline: boolean;
  /** Docker Hub mirrors, in order. */
  mirrors: string[];
  /** A PyPI simple index used when the Dockerfile's own cannot be reached. */
  pipMirror?: string;
  /** A folder of wheels (and sdists) for what Debian has not. */
  wheelhouse?: string;
  /** --base-image: what the last stage starts FROM instead of the Dockerfile's image. */
  baseImage?: string;
  probe: NetworkProbe;
  /** The engine's CPU (`x86_64`), for wheel tags. */
  machine: string;
  offlineImages?: OfflineImageOptions;
}

/** One file of the context sent differently from the disk, and why. */
export interface ContextChange {
  file: string;
  reasons: string[];
  diff: string;
}

export interface PreparedBuild {
  entries: ContextEntry[];
  networkMode?: 'none';
  changes: ContextChange[];
  warnings: string[];
  /** The images the stages start from, after substitution (their IDs go into the fingerprint). */
  baseImages: string[];
  /** The last stage has a CMD or ENTRYPOINT of its own. */
  hasCommand: boolean;
  /** The offline stand-ins used (`python:3.13` → Python 3.13 (Debian trixie)), for the user. */
  substitutes: Array<{ image: string; title: string }>;
}

/**
 * Adapts a build to what this machine can reach, without touching the user's files: each FROM
 * from where it can come (the image, a mirror, a local copy, the offline base), pip through a
 * reachable index or offline from Debian packages and a wheelhouse, and the context as sent
 * with every change listed, with its reason and a diff.
 */
export async function prepareBuild(
  docker: Docker,
  image: ImagePlan,
  sources: BuildSources,
  log: (line: string) => void,
): Promise<PreparedBuild> {
  const dockerfilePath = image.dockerfile;
  const text = await readFile(join(image.context, dockerfilePath), 'utf8');
  const dockerfile = parseDockerfile(text);
  const stages = stagesOf(dockerfile, image.args).map((stage, i, all) =>
    sources.baseImage && i === all.length - 1 && stage.parentStage === undefined
      ? { ...stage, image: sources.baseImage }
      : stage,
  );
  const pipCommands = findPipCommands(dockerfile);
  const envIndex = pipEnvSettings(dockerfile).find((s) => s.name === 'PIP_INDEX_URL')?.value ?? null;
  const route = await choosePipRoute(pipCommands, envIndex, {
    offline: sources.offline,
    probe: sources.probe,
    ...(sources.pipMirror ? { mirror: sources.pipMirror } : {}),
  });
  const reasons: string[] = [];
  const warnings: string[] = [];
  const substitutes: PreparedBuild['substitutes'] = [];
  const from = new Map<number, string>();
  const overrides: ContextOverrides = { files: new Map(), extra: new Map() };
  const added = await addRequirements(image, dockerfile, pipCommands, overrides, warnings);
  const ctx = {
    docker,
    offline: sources.offline,
    mirrors: sources.mirrors,
    probe: sources.probe,
    log,
    ...(sources.offlineImages ? { offlineImages: sources.offlineImages } : {}),
  };

  let offlineBase: OfflineImage | null = null;
  let pipPlan: PipPlan | undefined;
  if (route.kind === 'offline' && pipCommands.some((c) => !c.selfUpgrade)) {
    const offline = await offlinePython({
      docker,
      context: image.context,
      dockerfile,
      stages,
      commands: pipCommands,
      overrides,
      machine: sources.machine,
      why: route.reason,
      log,
      ...(sources.wheelhouse ? { wheelhouse: sources.wheelhouse } : {}),
      ...(sources.offlineImages ? { offlineImages: sources.offlineImages } : {}),
    });
    offlineBase = offline.base;
    for (const index of offline.stages) from.set(index, offline.image);
    pipPlan = offline.pip;
    reasons.push(offline.reason);
    warnings.push(...offline.warnings);
    const last = stages[offline.stages.at(-1) ?? 0];
    substitutes.push({ image: last?.image ?? 'python', title: offline.base.title });
  } else if (route.kind === 'offline') {
    pipPlan = { kind: 'offline' };
  } else if (route.kind === 'mirror') {
    pipPlan = { kind: 'mirror', indexUrl: route.indexUrl };
    reasons.push(route.reason);
  }

  const baseImages: string[] = [];
  for (const stage of stages) {
    if (stage.parentStage !== undefined || stage.image === 'scratch') continue;
    const chosen = from.get(stage.index);
    if (chosen) {
      baseImages.push(chosen);
      continue;
    }
    const choice = await chooseImage(stage.image, ctx);
    baseImages.push(choice.image);
    if (choice.source !== 'as-written' || choice.image !== stage.imageWritten)
      from.set(stage.index, choice.image);
    noteChoice(choice, stage, reasons, substitutes);
    // A stage on the offline Python base: its apt-get can only install what the base holds.
    if (choice.substitute?.tag.startsWith('upstream-lab/python:')) offlineBase ??= choice.substitute;
  }
  const apt = offlineBase ? offlineApt(dockerfile, offlineBase) : undefined;

  const rewrite = rewriteForBuild(dockerfile, {
    from,
    ...(pipPlan ? { pip: pipPlan } : {}),
    ...(apt ? { apt } : {}),
    ...(overrides.extra.size
      ? { insertBeforeFirstPip: [`COPY ${WHEELHOUSE_IN_CONTEXT} ${WHEELHOUSE_IN_IMAGE}`] }
      : {}),
  });
  const changes: ContextChange[] = [];
  if (rewrite.text !== text) {
    overrides.files.set(dockerfilePath, rewrite.text);
    changes.push({
      file: dockerfilePath,
      reasons: [...reasons, ...rewrite.changes.map((c) => `line ${c.line}: ${c.reason}`)],
      diff: unifiedDiff(dockerfilePath, text, rewrite.text),
    });
  }
  for (const [path, rewritten] of overrides.files) {
    if (path === dockerfilePath) continue;
    const before = await readFile(join(image.context, path), 'utf8').catch(() => '');
    const reasons = [
      ...(added.get(path) ?? []),
      ...(route.kind === 'offline'
        ? ['pip is asked only for what the wheelhouse supplies; Debian packages meet the rest']
        : []),
    ];
    changes.push({ file: path, reasons, diff: unifiedDiff(path, before, String(rewritten)) });
  }
  const { entries } = await adaptedContext(image.context, dockerfilePath, overrides);
  const last = lastStage(dockerfile);
  return {
    entries,
    ...(sources.offline || route.kind === 'offline' ? { networkMode: 'none' as const } : {}),
    changes,
    warnings,
    baseImages,
    hasCommand: last.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT'),
    substitutes,
  };
}

/** The lab's own requirements (a driver for --database) appended to the project's file when it lacks them. */
async function addRequirements(
  image: ImagePlan,
  dockerfile: Dockerfile,
  commands: PipCommand[],
  overrides: ContextOverrides,
  warnings: string[],
): Promise<Map<string, string[]>> {
  const reasons = new Map<string, string[]>();
  if (!image.addRequirements?.length) return reasons;
  const path = firstRequirementsFile(image.context, dockerfile, commands);
  if (!path) {
    warnings.push(
      `the Dockerfile installs no requirements file: add ${image.addRequirements.map((r) => r.name).join(', ')} to it yourself`,
    );
    return reasons;
  }
  let text = await readFile(join(image.context, path), 'utf8');
  for (const requirement of image.addRequirements) {
    if (requirement.unless.test(text)) continue;
    text = `${text.replace(/\n?$/, '\n')}${requirement.name}\n`;
    reasons.set(path, [...(reasons.get(path) ?? []), `${requirement.name} added: ${requirement.reason}`]);
  }
  if (reasons.has(path)) overrides.files.set(path, text);
  return reasons;
}

function noteChoice(
  choice: ImageChoice,
  stage: Stage,
  reasons: string[],
  substitutes: PreparedBuild['substitutes'],
): void {
  if (choice.reason) reasons.push(`FROM ${stage.imageWritten}: ${choice.reason}`);
  else if (choice.image !== stage.imageWritten)
    reasons.push(`FROM ${stage.imageWritten}: the build argument makes it ${choice.image}`);
  if (choice.substitute) substitutes.push({ image: stage.image, title: choice.substitute.title });
}

/** Installed only to compile Python packages from source; offline they come built, from Debian. */
const BUILD_ONLY = /^(gcc|g\+\+|cc|clang|make|cmake|build-essential|pkg-config|.+-dev)$/;

/**
 * On the offline base, apt installs only what its own repository holds. Compilers and headers
 * are dropped (the requirements come built); anything else missing stops the start here.
 */
function offlineApt(dockerfile: Dockerfile, base: OfflineImage): AptPlan | undefined {
  const missing = findAptCommands(dockerfile).flatMap((command) =>
    command.action === 'install'
      ? command.packages.filter((p) => !(p in base.debs)).map((p) => ({ p, line: command.instruction.line }))
      : [],
  );
  const unmet = missing.filter(({ p }) => !BUILD_ONLY.test(p));
  if (unmet.length > 0) {
    throw new Error(
      unmet
        .map(
          ({ p, line }) => `Dockerfile:${line}: apt-get install ${p}: not among the offline base's packages`,
        )
        .join('\n') +
        `\nThe offline base (${base.title}) installs Debian packages only from its own repository. ` +
        'Remove the package from the Dockerfile, or build with a registry mirror and network access.',
    );
  }
  const drop = new Set(missing.map(({ p }) => p));
  return drop.size > 0
    ? {
        drop: {
          packages: drop,
          reason: 'offline, the requirements come built from Debian packages: nothing is compiled',
        },
      }
    : undefined;
}

function lastStage(dockerfile: Dockerfile) {
  const froms = dockerfile.instructions.map((i, n) => (i.keyword === 'FROM' ? n : -1)).filter((n) => n >= 0);
  return dockerfile.instructions.slice(froms.at(-1) ?? 0);
}

export type { PipRoute };
