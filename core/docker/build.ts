import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { packEntries, type ContextEntry } from '../prepare/adapted-context';
import { callListener, printListenerErrorOnce, type ListenerErrorHandler } from '../events/listener-error';
import { buildContextStream } from './build-context';
import { BuildProgress } from './build-progress';
import type { BuildMessage, BuildStep, BuildUpdate } from './build-progress';

export interface BuildOptions {
  /** The project folder: the build context. */
  context: string;
  tag: string;
  /** Relative to the context. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  noCache?: boolean;
  /** The context as adapted (prepare/adapted-context.ts); default: the folder as it is. */
  entries?: ContextEntry[];
  /** `none` for builds that must not touch any network (offline). */
  networkMode?: string;
  /** The stage to build (compose `build.target`). */
  target?: string;
  signal?: AbortSignal;
  onUpdate?: (update: BuildUpdate) => void;
  /** Where an error thrown by onUpdate is reported (default: printed once); the build goes on. */
  onListenerError?: ListenerErrorHandler;
}

export interface BuildResult {
  imageId: string;
  tag: string;
  steps: BuildStep[];
  log: string[];
  /** Paths sent in the build context. */
  files: string[];
  durationMs: number;
}

/** A failed or cancelled build; the message names the step and shows its last lines. */
export class BuildError extends Error {
  constructor(
    message: string,
    readonly step: BuildStep | undefined,
    readonly log: string[],
    readonly cancelled = false,
    /** pip's verdict (`ERROR: No matching distribution found for X`), when pip failed the step. */
    readonly pip?: string,
  ) {
    super(message);
    this.name = 'BuildError';
  }
}

const OUTPUT_LINES_IN_MESSAGE = 20;

/**
 * Builds `tag` from a project folder with the classic builder, following its output.
 * The response is always read to its end (an unread build stream stalls the build, one cause of
 * dockerode#651), and its end, close and error all settle the promise, so it cannot hang.
 */
export async function buildImage(docker: Docker, options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const dockerfile = options.dockerfile ?? 'Dockerfile';
  const { stream: tar, files } = options.entries
    ? { stream: packEntries(options.entries), files: options.entries.map((e) => e.path) }
    : await buildContextStream(options.context, dockerfile);
  const progress = new BuildProgress();
  const notify = (updates: BuildUpdate[]) => {
    // Never thrown from inside the stream's data handler: the build must keep being read.
    const onUpdate = options.onUpdate;
    if (!onUpdate) return;
    for (const update of updates)
      callListener(onUpdate, update, 'build', options.onListenerError ?? printListenerErrorOnce);
  };
  const cancelled = () =>
    new BuildError(`build cancelled${where(progress.current)}`, progress.current, progress.log, true);
  if (options.signal?.aborted) {
    tar.destroy();
    throw cancelled();
  }

  let response: Readable;
  try {
    response = (await docker.buildImage(tar, {
      t: options.tag,
      dockerfile,
      buildargs: options.buildArgs ?? {},
      labels: options.labels ?? {},
      rm: true,
      forcerm: true,
      nocache: options.noCache ?? false,
      ...(options.networkMode ? { networkmode: options.networkMode } : {}),
      ...(options.target ? { target: options.target } : {}),
      ...(options.signal ? { abortSignal: options.signal } : {}),
    })) as Readable;
  } catch (error) {
    tar.destroy();
    if (options.signal?.aborted) throw cancelled();
    throw new BuildError(`build failed before it started: ${messageOf(error)}`, undefined, progress.log);
  }

  await new Promise<void>((resolve, reject) => {
    const onAbort = () => response.destroy();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    docker.modem.followProgress(
      response,
      (error: Error | null) => {
        options.signal?.removeEventListener('abort', onAbort);
        notify(progress.end());
        if (options.signal?.aborted) return reject(cancelled());
        if (error)
          return reject(
            new BuildError(
              `build stream failed${where(progress.current)}: ${error.message}`,
              progress.current,
              progress.log,
            ),
          );
        resolve();
      },
      (message: BuildMessage) => notify(progress.push(message)),
    );
  });

  if (progress.error !== undefined) throw failure(progress);
  const imageId = progress.builtId;
  if (!imageId) {
    throw new BuildError(
      `the build output ended without an image${where(progress.current)}; the engine may have gone away`,
      progress.current,
      progress.log,
    );
  }
  return {
    imageId,
    tag: options.tag,
    steps: progress.steps,
    log: progress.log,
    files,
    durationMs: Date.now() - started,
  };
}

function failure(progress: BuildProgress): BuildError {
  const step = progress.current;
  const error = progress.error ?? 'unknown error';
  const output = step ? step.output.filter((line) => line.trim() !== '').slice(-OUTPUT_LINES_IN_MESSAGE) : [];
  // pip's own verdict comes first: it is buried among "Looking in indexes" and retry warnings.
  const pip = output.find((line) => PIP_VERDICT.test(line));
  let message = `build failed${where(step)}: ${pip ? pip.replace(/^ERROR: /, 'pip: ') : error}`;
  if (output.length > 0) message += `\n${output.join('\n')}`;
  if (
    step &&
    /^FROM\b/i.test(step.instruction) &&
    /pull|not found|no such host|dial tcp|manifest|denied|timeout/i.test(error)
  ) {
    message +=
      '\nThe image is not on this machine and could not be pulled: give a registry mirror that has it ' +
      '(--registry-mirror), load it from a `docker save` archive (upstream-lab load-image), or build --offline.';
  }
  if (/no space left on device/i.test(error)) {
    message +=
      "\nDocker's disk is full. Free space with `docker system prune` (stopped containers, unused " +
      'images and build cache) or `docker builder prune`, then build again. Nothing else was changed.';
  }
  return new BuildError(message, step, progress.log, false, pip);
}

/** The line that says why pip failed. */
const PIP_VERDICT =
  /^ERROR: (No matching distribution found for |Could not find a version that satisfies the requirement |Could not install packages|Cannot install |ResolutionImpossible)/;

const where = (step: BuildStep | undefined): string =>
  step ? ` at step ${step.index}/${step.total} (${step.instruction})` : '';

const messageOf = (error: unknown): string => {
  const e = error as { json?: { message?: string }; message?: string };
  return (e.json?.message ?? e.message ?? String(error)).trim();
};
