import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { Emitter } from '../events/emitter';
import { contextHash } from '../prepare/adapted-context';
import { prepareBuild, type BuildSources, type PreparedBuild } from '../prepare/prepare-build';
import type { ImagePlan } from '../project/plan';
import { buildImage, BuildError, type BuildResult } from './build';
import { LABEL_CONTEXT, LABEL_LAB } from './labels';
import type { LabEvents } from './lab-events';

export interface LabBuildOptions {
  docker: Docker;
  lab: string;
  tag: string;
  image: ImagePlan;
  sources: BuildSources;
  events: Emitter<LabEvents>;
  /** A line of the build's own log (the lab's combined log). */
  log: (line: string) => void;
  /** Replicas get a command of their own (compose `command:`, --command): the image needs none. */
  commandGiven: boolean;
  signal?: AbortSignal;
  noCache?: boolean;
}

/**
 * The lab's image: the project's build adapted to this machine (prepare/), skipped when nothing
 * it is built from changed, then checked for a command to run. Each step is an event; a failure
 * is thrown once, with its step and what to do.
 */
export async function buildLabImage(o: LabBuildOptions): Promise<BuildResult> {
  try {
    return await build(o);
  } catch (error) {
    const step = error instanceof BuildError ? error.step : undefined;
    o.events.emit('build:failed', {
      message: (error as Error).message,
      ...(step ? { step: { index: step.index, total: step.total, instruction: step.instruction } } : {}),
      cancelled: error instanceof BuildError && error.cancelled,
    });
    throw error;
  }
}

async function build(o: LabBuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const prepared = await prepareBuild(o.docker, o.image, o.sources, o.log).catch((error: Error) => {
    throw new BuildError(`preparing the build: ${error.message}`, undefined, []);
  });
  if (prepared.changes.length > 0 || prepared.warnings.length > 0 || prepared.substitutes.length > 0) {
    o.events.emit('build:adapted', {
      changes: prepared.changes,
      warnings: prepared.warnings,
      substitutes: prepared.substitutes,
    });
  }
  const fingerprint = await fingerprintOf(o, prepared);
  if (!o.noCache) {
    const current = await upToDate(o.docker, o.tag, fingerprint);
    if (current) {
      await checkCommand(o, prepared);
      return unchanged(o, current, started, prepared.baseImages);
    }
  }
  const result = await buildImage(o.docker, {
    context: o.image.context,
    tag: o.tag,
    dockerfile: o.image.dockerfile,
    entries: prepared.entries,
    buildArgs: o.image.args,
    labels: { [LABEL_LAB]: o.lab, [LABEL_CONTEXT]: fingerprint },
    ...(prepared.networkMode ? { networkMode: prepared.networkMode } : {}),
    ...(o.image.target ? { target: o.image.target } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.noCache ? { noCache: true } : {}),
    onListenerError: (error, event) => o.events.onListenerError(error, event),
    onUpdate: (update) => {
      if (update.kind === 'step') {
        const { index, total, instruction } = update.step;
        o.events.emit('build:step', { index, total, instruction });
      } else if (update.kind === 'log') {
        o.log(update.line);
        o.events.emit('build:log', { line: update.line, ...(update.step ? { step: update.step } : {}) });
      }
    },
  }).catch((error: unknown) => {
    throw error instanceof BuildError && error.pip ? withPipAdvice(error, o.sources, prepared) : error;
  });
  await checkCommand(o, prepared);
  o.events.emit('build:done', {
    imageId: result.imageId,
    tag: result.tag,
    steps: result.steps.length,
    cachedSteps: result.steps.filter((step) => step.cached).length,
    durationMs: result.durationMs,
    baseImages: prepared.baseImages,
  });
  return result;
}

/** Everything the build depends on: the adapted context, the arguments, the base images' IDs. */
async function fingerprintOf(o: LabBuildOptions, prepared: PreparedBuild): Promise<string> {
  const bases = await Promise.all(
    prepared.baseImages.map((image) =>
      o.docker
        .getImage(image)
        .inspect()
        .then(
          (info) => info.Id,
          () => image,
        ),
    ),
  );
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      dockerfile: o.image.dockerfile,
      args: Object.entries(o.image.args).sort(),
      target: o.image.target ?? null,
      network: prepared.networkMode ?? null,
      bases,
    }),
  );
  hash.update(await contextHash(prepared.entries));
  return hash.digest('hex');
}

async function upToDate(docker: Docker, tag: string, fingerprint: string): Promise<string | null> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Config?.Labels?.[LABEL_CONTEXT] === fingerprint ? info.Id : null;
  } catch {
    return null;
  }
}

function unchanged(o: LabBuildOptions, imageId: string, started: number, baseImages: string[]): BuildResult {
  const line = `${o.tag} is up to date with the project (nothing it is built from changed)`;
  o.log(line);
  o.events.emit('build:log', { line });
  const durationMs = Date.now() - started;
  o.events.emit('build:done', { imageId, tag: o.tag, steps: 0, cachedSteps: 0, durationMs, baseImages });
  return { imageId, tag: o.tag, steps: [], log: [line], files: [], durationMs };
}

/** Commands that exit at once when nothing is attached: what a base image leaves as its CMD. */
const EXITS_AT_ONCE = new Set(['python3', 'python', 'bash', 'sh', '/bin/sh', '/bin/bash']);

/**
 * An image whose replicas would exit at once: no CMD or ENTRYPOINT at all, or only the base
 * image's interpreter (python:3.13's CMD is `python3`). Reported now, not as replicas exiting 0.
 */
async function checkCommand(o: LabBuildOptions, prepared: PreparedBuild): Promise<void> {
  if (o.commandGiven) return;
  const config = (await o.docker.getImage(o.tag).inspect()).Config;
  const cmd = config?.Cmd ?? [];
  const entrypoint = config?.Entrypoint ?? [];
  const inherited =
    !prepared.hasCommand && entrypoint.length === 0 && cmd.length === 1 && EXITS_AT_ONCE.has(cmd[0]!);
  if ((cmd.length === 0 && entrypoint.length === 0) || inherited) {
    throw new BuildError(
      `${o.image.dockerfile} has no CMD or ENTRYPOINT${inherited ? ` (the image inherits \`${cmd.join(' ')}\` from its base, which exits at once)` : ''}: ` +
        'the replicas would have nothing to run. Add one to the Dockerfile (e.g. CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]), ' +
        'give `command:` in the compose file, or start with --command "python manage.py runserver 0.0.0.0:8000".',
      undefined,
      [],
    );
  }
}

/** What to do when pip found nothing to install, for the route this build took (no advice to set what is set). */
function withPipAdvice(error: BuildError, sources: BuildSources, prepared: PreparedBuild): BuildError {
  const missing = /for ([^\s(]+)/.exec(error.pip ?? '')?.[1] ?? 'the package';
  const offline = prepared.networkMode === 'none';
  const options = [
    !sources.wheelhouse &&
      `a --wheelhouse folder with a wheel of ${missing} (\`pip download ${missing} -d wheels\` on a machine online)`,
    sources.wheelhouse && `a wheel of ${missing} that fits the image's Python in ${sources.wheelhouse}`,
    !offline &&
      !sources.pipMirror &&
      'a PyPI mirror that has it (--pip-index https://mirror-pypi.runflare.com/simple)',
    !offline && sources.pipMirror && `another PyPI mirror: ${sources.pipMirror} does not have it`,
    'or remove it from the requirements',
  ].filter(Boolean);
  return new BuildError(
    `${error.message}\nTo build, give ${options.join('; ')}.`,
    error.step,
    error.log,
    false,
    error.pip,
  );
}
