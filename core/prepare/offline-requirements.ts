import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Dockerfile } from '../adapt/dockerfile';
import { parseRequirements, type RequirementsFile } from '../adapt/requirements';
import {
  parseDistFilename,
  relaxedPins,
  resolveOffline,
  rewriteRequirements,
  unmetAdvice,
  type Resolution,
  type WheelFile,
} from '../adapt/resolve';
import type { PipCommand } from '../adapt/shell-commands';
import { contextPathOf } from './context-paths';

/** Inside the build: where the wheelhouse's files are copied for pip's --find-links. */
export const WHEELHOUSE_IN_IMAGE = '/tmp/upstream-lab-wheelhouse';
/** In the adapted context. */
export const WHEELHOUSE_IN_CONTEXT = '.upstream-lab/wheelhouse';

export interface OfflineRequirements {
  /** Debian packages to bake into the derived base image. */
  debs: string[];
  /** Requirements files rewritten: context path → the text pip sees. */
  rewritten: Map<string, string>;
  /** Wheelhouse files the build needs: context path → file on disk. */
  wheels: Map<string, string>;
  /** One line per relaxed pin. */
  warnings: string[];
  resolutions: Resolution[];
  /** Packages named on pip's command line that Debian (or the system) meets, as written. */
  inlineMet: Set<string>;
}

export class RequirementsUnmetError extends Error {
  override name = 'RequirementsUnmetError';
}

/**
 * How the Dockerfile's pip installs are met without PyPI: Debian packages of the offline base
 * (pins relaxed, with a warning each), else the wheelhouse. A requirement nothing can meet stops
 * here, before any build, naming it and what to do.
 */
export async function planOfflineRequirements(options: {
  dir: string;
  dockerfile: Dockerfile;
  commands: PipCommand[];
  debs: Readonly<Record<string, string>>;
  python: string;
  machine: string;
  wheelhouse?: string;
  /** Context files already sent changed (a requirement added): read instead of the disk. */
  sent?: ReadonlyMap<string, string | Buffer>;
}): Promise<OfflineRequirements> {
  const files = await readRequirementFiles(options.dir, options.dockerfile, options.commands, options.sent);
  const inline = inlineRequirements(options.commands);
  const wheels = options.wheelhouse ? await listWheelhouse(options.wheelhouse) : [];
  const resolutions = resolveOffline([...[...files.values()].map((f) => f.parsed), ...inline], {
    python: options.python,
    machine: options.machine,
    debs: options.debs,
    wheels: wheels.map((w) => w.wheel),
  });
  const unmet = resolutions.filter((r): r is Extract<Resolution, { via: 'unmet' }> => r.via === 'unmet');
  if (unmet.length > 0) {
    throw new RequirementsUnmetError(
      `${unmet.length === 1 ? 'A requirement' : `${unmet.length} requirements`} cannot be met without PyPI:\n` +
        unmet
          .map((r) => `  ${r.file}:${r.req.line}: ${r.req.raw.trim()}: ${r.reason}\n    ${unmetAdvice(r)}`)
          .join('\n'),
    );
  }
  const inlineFiles = new Set(inline.map((f) => f.file));
  const inlineMet = new Set(
    resolutions.flatMap((r) =>
      inlineFiles.has(r.file) && (r.via === 'debian' || r.via === 'system') ? [r.req.raw.trim()] : [],
    ),
  );
  const rewritten = new Map<string, string>();
  for (const [path, file] of files)
    rewritten.set(path, rewriteRequirements(file.parsed, file.text, resolutions));
  const used = new Set(resolutions.flatMap((r) => (r.via === 'wheelhouse' ? [r.wheel.file] : [])));
  return {
    debs: [...new Set(resolutions.flatMap((r) => (r.via === 'debian' ? r.debs : [])))].sort(),
    rewritten,
    wheels: new Map(
      wheels
        .filter((w) => used.has(w.wheel.file))
        .map((w) => [`${WHEELHOUSE_IN_CONTEXT}/${w.wheel.file}`, w.path]),
    ),
    warnings: relaxedPins(resolutions),
    resolutions,
    inlineMet,
  };
}

/** Packages named on pip's command line (`pip install gunicorn flake8==6.0.0`), one "file" per RUN. */
function inlineRequirements(commands: PipCommand[]): RequirementsFile[] {
  return commands.flatMap((command) => {
    const specs = command.selfUpgrade
      ? []
      : command.packages.filter((p) => !p.includes('/') && !p.startsWith('.'));
    if (specs.length === 0) return [];
    try {
      return [parseRequirements(specs.join('\n'), `Dockerfile:${command.instruction.line}`)];
    } catch {
      // Not requirement syntax (a variable, a path): pip gets it as written.
      return [];
    }
  });
}

/** Every requirements file the pip commands name (and the files those include), by context path. */
async function readRequirementFiles(
  dir: string,
  dockerfile: Dockerfile,
  commands: PipCommand[],
  sent: ReadonlyMap<string, string | Buffer> = new Map(),
): Promise<Map<string, { text: string; parsed: RequirementsFile }>> {
  const out = new Map<string, { text: string; parsed: RequirementsFile }>();
  const visit = async (path: string): Promise<void> => {
    if (out.has(path)) return;
    const changed = sent.get(path);
    const text = changed !== undefined ? String(changed) : await readFile(join(dir, path), 'utf8');
    const parsed = parseRequirements(text, path);
    out.set(path, { text, parsed });
    for (const include of parsed.includes) {
      await visit(posix.normalize(posix.join(posix.dirname(path), include.file)));
    }
  };
  for (const command of commands) {
    for (const file of [...command.requirementFiles, ...command.constraintFiles]) {
      const path = contextPathOf(dockerfile, command.instruction.line, file, dir);
      if (!path) {
        throw new RequirementsUnmetError(
          `Dockerfile:${command.instruction.line}: pip reads ${file}, which does not come from the build context ` +
            '(no COPY brings it), so its requirements cannot be checked offline.',
        );
      }
      await visit(path);
    }
  }
  return out;
}

async function listWheelhouse(dir: string): Promise<Array<{ path: string; wheel: WheelFile }>> {
  const names = await readdir(dir).catch((error: Error) => {
    throw new RequirementsUnmetError(`--wheelhouse ${dir}: ${error.message}`);
  });
  return names.flatMap((name) => {
    const wheel = parseDistFilename(name);
    return wheel ? [{ path: join(dir, name), wheel }] : [];
  });
}

/** The requirements file the Dockerfile's first `pip install -r` reads, as a context path. */
export function firstRequirementsFile(
  dir: string,
  dockerfile: Dockerfile,
  commands: PipCommand[],
): string | null {
  for (const command of commands) {
    for (const file of command.requirementFiles) {
      const path = contextPathOf(dockerfile, command.instruction.line, file, dir);
      if (path) return path;
    }
  }
  return null;
}
