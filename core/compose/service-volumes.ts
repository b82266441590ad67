import { isAbsolute } from 'node:path';
import type { ComposeContext } from './context';
import { hostPath } from './paths';
import { isMapping, parseBoolean, type Mapping } from './scalars';
import type { Path } from './source-map';
import type { ServiceVolume } from './types';

const MODES = new Set([
  'ro',
  'rw',
  'z',
  'Z',
  'nocopy',
  'shared',
  'slave',
  'private',
  'rshared',
  'rslave',
  'rprivate',
]);
const DISCARDED_MODES = new Set(['consistent', 'cached', 'delegated']);

/** A service's `volumes:`, short (`SOURCE:TARGET[:MODE]`, `TARGET`) and long; binds get absolute sources. */
export function serviceVolumes(
  service: string,
  items: unknown[],
  path: Path,
  context: ComposeContext,
): ServiceVolume[] {
  return items.flatMap((item, i) => {
    const itemPath = [...path, i];
    const volume = isMapping(item)
      ? longVolume(item, itemPath, context)
      : shortVolume(String(item), itemPath, context);
    if (volume?.type === 'volume' && volume.source !== undefined && !context.volumes.has(volume.source))
      throw context.error(itemPath, `service "${service}" refers to undefined volume ${volume.source}`);
    return volume ? [volume] : [];
  });
}

function shortVolume(spec: string, path: Path, context: ComposeContext): ServiceVolume {
  const parts = splitSpec(spec);
  const at = context.valueAt(path);
  if (parts.length > 3 || parts.some((part) => part === ''))
    throw context.error(path, `${JSON.stringify(spec)} is not SOURCE:TARGET[:MODE]`);
  const [first = '', second, modes] = parts;
  if (second === undefined)
    return { type: 'volume', target: mountPoint(first, path, context), readOnly: false, at };
  const options = modes?.split(',') ?? [];
  for (const option of options) {
    if (!MODES.has(option) && !DISCARDED_MODES.has(option))
      throw context.error(path, `unknown volume option ${JSON.stringify(option)} in ${JSON.stringify(spec)}`);
  }
  const bind = isHostPath(first);
  return {
    type: bind ? 'bind' : 'volume',
    source: bind ? hostPath(first, context.dir) : first,
    target: mountPoint(second, path, context),
    readOnly: options.includes('ro'),
    at,
  };
}

function longVolume(item: Mapping, path: Path, context: ComposeContext): ServiceVolume | undefined {
  const type = String(item.type);
  if (type !== 'volume' && type !== 'bind' && type !== 'tmpfs') {
    context.ignored([...path, 'type'], `upstream-lab mounts only volumes, binds and tmpfs, not ${type}`);
    return undefined;
  }
  for (const key of ['consistency', 'bind', 'volume', 'tmpfs']) {
    if (item[key] !== undefined) context.ignored([...path, key]);
  }
  if (item.target === undefined) throw context.error(path, 'missing required key "target"');
  const readOnly = item.read_only === undefined ? false : parseBoolean(item.read_only);
  if (readOnly === undefined) throw context.error([...path, 'read_only'], 'must be true or false');
  const source = item.source === undefined || item.source === '' ? undefined : String(item.source);
  if (type === 'bind' && source === undefined) throw context.error(path, 'a bind mount needs a "source"');
  if (type === 'tmpfs' && source !== undefined)
    context.ignored([...path, 'source'], 'a tmpfs mount has no source');
  return {
    type,
    ...(source !== undefined && type !== 'tmpfs'
      ? { source: type === 'bind' ? hostPath(source, context.dir) : source }
      : {}),
    target: mountPoint(String(item.target), [...path, 'target'], context),
    readOnly,
    at: context.valueAt(path),
  };
}

/** Splits on `:`, keeping a Windows drive letter (`C:\data`) with its path. */
function splitSpec(spec: string): string[] {
  const parts = spec.split(':');
  const [drive, rest] = parts;
  if (drive !== undefined && /^[a-zA-Z]$/.test(drive) && rest !== undefined && /^[\\/]/.test(rest))
    return [`${drive}:${rest}`, ...parts.slice(2)];
  return parts;
}

function isHostPath(source: string): boolean {
  return /^[./~]/.test(source) || /^[a-zA-Z]:[\\/]/.test(source) || isAbsolute(source);
}

function mountPoint(target: string, path: Path, context: ComposeContext): string {
  if (!target.startsWith('/'))
    throw context.error(path, `the mount point ${JSON.stringify(target)} is not an absolute path`);
  return target;
}
