import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import { pack } from 'tar-fs';

/**
 * The files `docker build` would send for `dir`: everything not excluded by its .dockerignore
 * (Docker's semantics, `!` exceptions included), plus the Dockerfile and .dockerignore, which
 * Docker always sends. Paths are relative, directories before their contents, sorted.
 */
export async function listContext(dir: string, dockerfile = 'Dockerfile'): Promise<string[]> {
  if (!existsSync(join(dir, dockerfile))) {
    throw new Error(`No ${dockerfile} in ${dir}: the project folder needs one to build an image.`);
  }
  const patterns = await readIgnoreFile(dir);
  const ignore = dockerignore({ ignorecase: false }).add(patterns);
  // Without `!` exceptions nothing under an excluded directory can come back, so skip walking it.
  const hasExceptions = patterns.some((line) => line.trim().startsWith('!'));
  const always = new Set([normalise(dockerfile), '.dockerignore']);
  const out: string[] = [];

  async function walk(relDir: string): Promise<void> {
    const entries = await readdir(join(dir, relDir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = relDir ? join(relDir, entry.name) : entry.name;
      const excluded = ignore.ignores(rel) && !always.has(toPosix(rel));
      if (entry.isDirectory()) {
        if (!excluded) out.push(rel);
        if (!excluded || hasExceptions) await walk(rel);
      } else if (!excluded && (entry.isFile() || entry.isSymbolicLink())) {
        out.push(rel);
      }
    }
  }
  await walk('');
  return out;
}

/** A tar stream of `entries` (from listContext) under `dir`, for POST /build. */
export function packContext(dir: string, entries: string[]): Readable {
  // Directories are listed explicitly, so tar-fs must not add their contents on its own.
  const tar = pack(dir, { entries, ignore: () => true, strict: false });
  // tar-fs 3 streams are streamx streams; wrap them in a Node stream for docker-modem's pipe().
  return Readable.from(tar as AsyncIterable<Buffer>, { objectMode: false });
}

/** Lists and packs in one go; `files` are the sent paths with `/` separators. */
export async function buildContextStream(
  dir: string,
  dockerfile = 'Dockerfile',
): Promise<{ stream: Readable; files: string[] }> {
  const files = await listContext(dir, dockerfile);
  return { stream: packContext(dir, files), files: files.map(toPosix) };
}

async function readIgnoreFile(dir: string): Promise<string[]> {
  try {
    return (await readFile(join(dir, '.dockerignore'), 'utf8')).split(/\r?\n/);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

const toPosix = (path: string): string => path.split(sep).join('/');
const normalise = (path: string): string => posix.normalize(toPosix(path));
