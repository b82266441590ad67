import { posix } from 'node:path';
import { compare, satisfies } from '@renovatebot/pep440';
import { debianMapping, debianToPep440, MET_BY_SYSTEM } from './debian-packages';
import { parseDistFilename, wheelFits, type WheelFile } from './dist-files';
import { isUrl } from './requirement-spec';
import { markerApplies, type Requirement, type RequirementsFile } from './requirements';

export { parseDistFilename, wheelFits, type WheelFile } from './dist-files';
export { rewriteRequirements } from './requirements-rewrite';
export { relaxedPins, unmetAdvice, displayRequirement } from './resolution-text';

export interface OfflineTarget {
  /** `3.13` */
  python: string;
  /** `x86_64` */
  machine: string;
  /** What the offline base can install: Debian package → Debian version. */
  debs: Readonly<Record<string, string>>;
  wheels: WheelFile[];
  /** The base's glibc (`2.36`), when known, for manylinux_2_X wheels. */
  glibc?: string;
}

export type Resolution =
  | {
      req: Requirement;
      file: string;
      via: 'debian';
      deb: string;
      /** deb with its companions and the packages of the requested extras. */
      debs: string[];
      /** PEP 440. */
      version: string;
      /** The version does not satisfy the specifier: the pin is relaxed. */
      relaxed: boolean;
      /** The requirement's specifier with those of the constraint files. */
      specifier: string;
    }
  | { req: Requirement; file: string; via: 'system'; note: string }
  | { req: Requirement; file: string; via: 'wheelhouse'; wheel: WheelFile }
  /** Its marker is false for the target. */
  | { req: Requirement; file: string; via: 'skipped'; note: string }
  /** A path (`-e .`, `./libs/x`): pip builds it from the build context. */
  | { req: Requirement; file: string; via: 'local'; note: string }
  | { req: Requirement; file: string; via: 'unmet'; reason: string; python: string; machine: string };

/**
 * How each requirement is met without PyPI: a Debian package whose version satisfies it; else a
 * fitting wheelhouse file that does; else the Debian package with its pin relaxed; else unmet,
 * naming what is on offer. Files included with `-c` (or named in `constraintFiles`) only pin.
 */
export function resolveOffline(
  files: RequirementsFile[],
  target: OfflineTarget,
  constraintFiles: string[] = [],
): Resolution[] {
  const constraintPaths = new Set(constraintFiles);
  for (const file of files) {
    for (const include of file.includes) {
      if (include.kind === 'constraint')
        constraintPaths.add(posix.join(posix.dirname(file.file), include.file));
    }
  }
  const env = { pythonVersion: target.python, machine: target.machine };
  const applies = (req: Requirement): boolean => !req.marker || markerApplies(req.marker, env);
  const pins = new Map<string, string[]>();
  for (const file of files.filter((f) => constraintPaths.has(f.file))) {
    for (const req of file.requirements.filter((r) => r.key && r.specifier && applies(r))) {
      pins.set(req.key, [...(pins.get(req.key) ?? []), req.specifier]);
    }
  }
  return files
    .filter((file) => !constraintPaths.has(file.file))
    .flatMap((file) => {
      const pre = file.options.some((option) => option.name === 'pre');
      return file.requirements.map((req) =>
        applies(req)
          ? resolveOne(req, file.file, target, pins.get(req.key) ?? [], pre)
          : {
              req,
              file: file.file,
              via: 'skipped' as const,
              note: `its marker is false for Python ${target.python}`,
            },
      );
    });
}

function resolveOne(
  req: Requirement,
  file: string,
  target: OfflineTarget,
  pins: string[],
  pre: boolean,
): Resolution {
  if (req.url && !isUrl(req.url)) {
    return {
      req,
      file,
      via: 'local',
      note: `pip builds ${req.url} from the build context (offline, its build backend must be in the image or the wheelhouse)`,
    };
  }
  const system = MET_BY_SYSTEM[req.key];
  if (system && !req.url) return { req, file, via: 'system', note: system };
  const specifier = [req.specifier, ...pins].filter(Boolean).join(',');
  const fits = (version: string): boolean => satisfies(version, specifier, { prereleases: pre });
  const offered = target.wheels.filter((wheel) => req.key && wheel.key === req.key);
  const fitting = offered.filter((wheel) => wheelFits(wheel, target));
  const unmet = (why: string): Resolution => ({
    req,
    file,
    via: 'unmet',
    reason: `${why}; ${wheelhouseOffer(req, specifier, offered, target)}`,
    python: target.python,
    machine: target.machine,
  });
  if (req.url) {
    // A URL to a distribution file names its version too.
    const version = parseDistFilename(req.url.replace(/[#?].*$/, ''))?.version;
    const wheel = newest(fitting.filter((w) => version === undefined || compare(w.version, version) === 0));
    return wheel
      ? { req, file, via: 'wheelhouse', wheel }
      : unmet(`pip cannot fetch the URL ${req.url} offline`);
  }
  const debian = debianOffer(req, target.debs);
  if ('version' in debian && fits(debian.version)) {
    return { req, file, via: 'debian', ...debian, relaxed: false, specifier };
  }
  const wheel = newest(fitting.filter((w) => fits(w.version)));
  if (wheel) return { req, file, via: 'wheelhouse', wheel };
  if ('version' in debian) return { req, file, via: 'debian', ...debian, relaxed: true, specifier };
  return unmet(debian.problem);
}

function debianOffer(
  req: Requirement,
  debs: Readonly<Record<string, string>>,
): { deb: string; debs: string[]; version: string } | { problem: string } {
  const has = (deb: string): boolean => Object.hasOwn(debs, deb);
  const mapping = debianMapping(req.key);
  if (!mapping) return { problem: `no Debian package is known to provide ${req.name}` };
  if (!has(mapping.deb)) return { problem: `${mapping.deb} is not among the offline base's packages` };
  const version = debianToPep440(debs[mapping.deb]!);
  if (!version) return { problem: `${mapping.deb} ${debs[mapping.deb]} has no PEP 440 version` };
  const extraDebs: string[] = [];
  for (const extra of req.extras) {
    const needed = mapping.extras?.[extra];
    if (!needed) return { problem: `${mapping.deb} does not cover the extra [${extra}]` };
    const missing = needed.filter((deb) => !has(deb));
    if (missing.length > 0) {
      return {
        problem: `the extra [${extra}] needs ${missing.join(', ')}, not among the offline base's packages`,
      };
    }
    extraDebs.push(...needed);
  }
  const companions = (mapping.companions ?? []).filter(has);
  return { deb: mapping.deb, debs: [...new Set([mapping.deb, ...companions, ...extraDebs])], version };
}

/** The newest file, a wheel before an sdist of the same version. */
function newest(wheels: WheelFile[]): WheelFile | undefined {
  return [...wheels].sort(
    (a, b) => compare(b.version, a.version) || (a.kind === b.kind ? 0 : a.kind === 'wheel' ? -1 : 1),
  )[0];
}

function wheelhouseOffer(
  req: Requirement,
  specifier: string,
  offered: WheelFile[],
  target: OfflineTarget,
): string {
  if (target.wheels.length === 0) return 'there is no wheelhouse';
  if (!req.key) return 'it names no project to look for in the wheelhouse';
  if (offered.length === 0) return `the wheelhouse has no ${req.name}`;
  const items = offered.map((wheel) =>
    !wheelFits(wheel, target)
      ? `${wheel.file} (not for Python ${target.python} on ${target.machine})`
      : `${wheel.file} (${wheel.version}${specifier ? `, not ${specifier}` : ''})`,
  );
  return `the wheelhouse has only ${items.join(', ')}`;
}
