import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pack, type Pack } from 'tar-stream';
import { listContext } from '../docker/build-context';

/** What the engine is sent instead of (or besides) the project's own files; the files on disk stay as they are. */
export interface ContextOverrides {
  /** Context path (`/`-separated) → the content sent instead, or added. */
  files: Map<string, string | Buffer>;
  /** Context path → a file on disk sent under that path (a wheelhouse's wheels). */
  extra: Map<string, string>;
}

export const noOverrides = (): ContextOverrides => ({ files: new Map(), extra: new Map() });

interface Entry {
  path: string;
  /** Where its bytes come from. */
  from:
    | { kind: 'disk'; file: string }
    | { kind: 'text'; data: Buffer }
    | { kind: 'dir' }
    | { kind: 'link'; target: string };
  mode: number;
}

/**
 * The build context as `docker build` would send it (.dockerignore applied, the Dockerfile and
 * .dockerignore always included), with the overrides applied: a tar stream, the paths sent, and
 * a fingerprint of everything in it.
 */
export async function adaptedContext(
  dir: string,
  dockerfile: string,
  overrides: ContextOverrides = noOverrides(),
): Promise<{ entries: Entry[]; files: string[] }> {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  for (const rel of await listContext(dir, dockerfile)) {
    const path = rel.split(sep).join('/');
    seen.add(path);
    const replaced = overrides.files.get(path);
    const stat = await lstat(join(dir, rel));
    if (replaced !== undefined) {
      entries.push({ path, from: { kind: 'text', data: Buffer.from(replaced) }, mode: stat.mode & 0o7777 });
    } else if (stat.isDirectory()) {
      entries.push({ path, from: { kind: 'dir' }, mode: stat.mode & 0o7777 });
    } else if (stat.isSymbolicLink()) {
      entries.push({ path, from: { kind: 'link', target: await readlink(join(dir, rel)) }, mode: 0o777 });
    } else {
      entries.push({ path, from: { kind: 'disk', file: join(dir, rel) }, mode: stat.mode & 0o7777 });
    }
  }
  for (const [path, data] of overrides.files) {
    if (!seen.has(path)) entries.push({ path, from: { kind: 'text', data: Buffer.from(data) }, mode: 0o644 });
  }
  for (const [path, file] of overrides.extra)
    entries.push({ path, from: { kind: 'disk', file }, mode: 0o644 });
  return { entries, files: entries.map((e) => e.path) };
}

/** A hash of the names, modes and bytes of every entry: equal hashes, equal builds. */
export async function contextHash(entries: Entry[]): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of entries) {
    hash.update(`\0${entry.path}\0${entry.mode}\0${entry.from.kind}\0`);
    if (entry.from.kind === 'disk') hash.update(await readFile(entry.from.file));
    else if (entry.from.kind === 'text') hash.update(entry.from.data);
    else if (entry.from.kind === 'link') hash.update(entry.from.target);
  }
  return hash.digest('hex');
}

/** The entries as a tar stream for POST /build (files streamed from disk, one at a time). */
export function packEntries(entries: Entry[]): Readable {
  const tar = pack();
  const put = (header: HeaderArgument, data?: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (data) tar.entry(header, data, done);
      else tar.entry(header, done);
    });
  void (async () => {
    try {
      for (const { path, from, mode } of entries) {
        if (from.kind === 'dir') await put({ name: path, type: 'directory', mode });
        else if (from.kind === 'link')
          await put({ name: path, type: 'symlink', linkname: from.target, mode });
        else if (from.kind === 'text') await put({ name: path, mode, size: from.data.length }, from.data);
        else await putFile(tar, path, mode, from.file);
      }
      tar.finalize();
    } catch (error) {
      tar.destroy(error as Error);
    }
  })();
  // tar-stream's streams are streamx streams; docker-modem pipes a Node stream.
  return Readable.from(tar as AsyncIterable<Buffer>, { objectMode: false });
}

/** Streams one file into the archive, with backpressure. */
async function putFile(tar: Pack, name: string, mode: number, file: string): Promise<void> {
  const size = (await lstat(file)).size;
  await new Promise<void>((resolve, reject) => {
    const sink = tar.entry({ name, mode, size }, (error) => (error ? reject(error) : resolve()));
    const source = createReadStream(file);
    source.on('error', reject);
    source.on('data', (chunk) => {
      if (!sink.write(chunk as Buffer)) {
        source.pause();
        sink.once('drain', () => void source.resume());
      }
    });
    // streamx types end() with a required argument; undefined ends without writing.
    source.on('end', () => sink.end(undefined));
  });
}

type HeaderArgument = Parameters<Pack['entry']>[0];

export type { Entry as ContextEntry };
