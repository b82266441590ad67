import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { IncludedFile, IncludeReader } from './include';

/**
 * Reads includes from disk like nginx: a relative path is relative to the main config's directory;
 * a glob is allowed in the file name only (`conf.d/*.conf`), and matches are read in name order.
 */
export function fileIncludeReader(mainFile: string): IncludeReader {
  const base = dirname(mainFile);
  return (pattern) => {
    const path = isAbsolute(pattern) ? pattern : join(base, pattern);
    const name = basename(path);
    if (!/[*?[]/.test(name)) return readOne(path);
    const dir = dirname(path);
    if (/[*?[]/.test(dir)) return undefined;
    const matcher = globToRegExp(name);
    let names: string[];
    try {
      names = readdirSync(dir).filter((entry) => matcher.test(entry));
    } catch {
      return undefined;
    }
    return names.sort().flatMap((entry) => readOne(join(dir, entry)) ?? []);
  };
}

function readOne(path: string): IncludedFile[] | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    return [{ path, text: readFileSync(path, 'utf8') }];
  } catch {
    return undefined;
  }
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[' || ch === ']') source += ch;
    else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
