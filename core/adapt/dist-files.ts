import { valid } from '@renovatebot/pep440';
import { normalizeName } from './package-names';

/** A distribution file of a wheelhouse: a wheel (PEP 427) or an sdist. */
export interface WheelFile {
  file: string;
  /** As written in the file name (`drf_spectacular`). */
  name: string;
  /** PEP 503 normalized. */
  key: string;
  version: string;
  kind: 'wheel' | 'sdist';
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
}

const SDIST = /\.(?:tar\.gz|tar\.bz2|tar\.xz|tgz|zip)$/i;

/** `drf_spectacular-0.27.2-py3-none-any.whl`, `django-environ-0.11.2.tar.gz`; null for anything else. */
export function parseDistFilename(file: string): WheelFile | null {
  const base = file.split(/[/\\]/).pop() ?? file;
  if (base.endsWith('.whl')) {
    const parts = base.slice(0, -'.whl'.length).split('-');
    if (parts.length !== 5 && parts.length !== 6) return null;
    const [name, version] = parts as [string, string];
    const [python, abi, platform] = parts.slice(-3) as [string, string, string];
    if (!name || !valid(version)) return null;
    return {
      file,
      name,
      key: normalizeName(name),
      version,
      kind: 'wheel',
      pythonTags: python.split('.'),
      abiTags: abi.split('.'),
      platformTags: platform.split('.'),
    };
  }
  const extension = SDIST.exec(base);
  if (!extension) return null;
  const stem = base.slice(0, extension.index);
  // The version is what follows the last dash that leaves a valid one (names hold dashes too).
  for (let dash = stem.lastIndexOf('-'); dash > 0; dash = stem.lastIndexOf('-', dash - 1)) {
    const version = stem.slice(dash + 1);
    if (!valid(version)) continue;
    const name = stem.slice(0, dash);
    return {
      file,
      name,
      key: normalizeName(name),
      version,
      kind: 'sdist',
      pythonTags: [],
      abiTags: [],
      platformTags: [],
    };
  }
  return null;
}

const MACHINES: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64' };
const LEGACY_MANYLINUX: Record<string, number> = { manylinux1: 5, manylinux2010: 12, manylinux2014: 17 };

/**
 * Whether pip on CPython `python` for Linux `machine` (Debian: glibc) installs the file. An sdist
 * always fits (pip builds it); musllinux wheels are for Alpine and never do. `glibc` ('2.36')
 * bounds manylinux_2_X when known.
 */
export function wheelFits(
  wheel: WheelFile,
  target: { python: string; machine: string; glibc?: string },
): boolean {
  if (wheel.kind === 'sdist') return true;
  const [major, minor] = target.python.split('.').map(Number) as [number, number | undefined];
  const machine = MACHINES[target.machine] ?? target.machine;
  const glibcMinor = target.glibc ? Number(target.glibc.split('.')[1]) : Infinity;
  const platformFits = (tag: string): boolean => {
    if (tag === 'any' || tag === `linux_${machine}`) return true;
    const match = /^(manylinux1|manylinux2010|manylinux2014|manylinux_(\d+)_(\d+))_(.+)$/.exec(tag);
    if (!match || match[4] !== machine) return false;
    const required = match[2]
      ? Number(match[2]) === 2
        ? Number(match[3])
        : Infinity
      : LEGACY_MANYLINUX[match[1]!]!;
    return required <= glibcMinor;
  };
  const pythonFits = (tag: string, abi: string): boolean => {
    const match = /^(py|cp)(\d)(\d*)$/.exec(tag);
    if (!match || Number(match[2]) !== major) return false;
    const tagMinor = match[3] === '' ? null : Number(match[3]);
    if (match[1] === 'py')
      return abi === 'none' && (tagMinor === null || (minor !== undefined && tagMinor <= minor));
    if (tagMinor === null || minor === undefined) return false;
    if (abi === 'abi3') return tagMinor <= minor;
    return tagMinor === minor && (abi === 'none' || abi === `cp${major}${minor}`);
  };
  return wheel.platformTags.some(
    (platform) =>
      platformFits(platform) &&
      wheel.pythonTags.some((python) => wheel.abiTags.some((abi) => pythonFits(python, abi))),
  );
}
