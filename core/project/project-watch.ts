import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import dockerignore from '@balena/dockerignore';

/** What a batch of saved files asks for: copied into the running replicas, or a rebuild. */
export type WatchAction = { kind: 'sync'; files: string[] } | { kind: 'rebuild'; files: string[] };

/** Files that change the image itself (Compose Watch's `rebuild`): the rest is synced. */
const REBUILD = [
  /^Dockerfile/i,
  /\.dockerfile$/i,
  /^\.dockerignore$/,
  /(^|\/)requirements[^/]*\.txt$/i,
  /(^|\/)requirements\/[^/]+\.txt$/i,
  /^pyproject\.toml$/,
  /^(docker-)?compose\.ya?ml$/,
];

/** Editor and tool droppings nobody wants copied: swap files, backups, vim's write test, .git. */
const NOISE = [
  /(^|\/)\.git(\/|$)/,
  /~$/,
  /\.sw[a-p]x?$/,
  /(^|\/)4913$/,
  /(^|\/)\.#/,
  /(^|\/)#[^/]*#$/,
  /__pycache__/,
  /\.pyc$/,
];

/** A saved batch's action (paths relative to the project, with `/`). */
export function watchAction(files: string[]): WatchAction {
  return files.some((file) => REBUILD.some((pattern) => pattern.test(file)))
    ? { kind: 'rebuild', files }
    : { kind: 'sync', files };
}

/**
 * Watches a project folder as Compose Watch does: changes honour its .dockerignore (what the
 * build would not send is not watched), editor temp files and .git are left out, and changes
 * that come together (an editor's save, a `git checkout`) are handed over as one batch.
 */
export class ProjectWatch {
  private watcher: FSWatcher | null = null;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private ignored: (path: string) => boolean = () => false;

  constructor(
    private readonly dir: string,
    private readonly onBatch: (files: string[]) => void,
    private readonly batchMs = 300,
  ) {}

  async start(): Promise<void> {
    const patterns = await readFile(join(this.dir, '.dockerignore'), 'utf8').then(
      (text) => text.split(/\r?\n/),
      () => [],
    );
    const ignore = dockerignore({ ignorecase: false }).add(patterns);
    // What the image is built from is watched even when the build context leaves it out (the
    // course's .dockerignore excludes `Dockerfile*`).
    this.ignored = (path) =>
      NOISE.some((pattern) => pattern.test(path)) ||
      (!REBUILD.some((pattern) => pattern.test(path)) && ignore.ignores(path));
    this.watcher = watch(this.dir, { recursive: true }, (_event, name) => {
      if (name) this.changed(String(name).split(sep).join('/'));
    });
    this.watcher.on('error', () => undefined);
  }

  private changed(path: string): void {
    if (this.ignored(path)) return;
    this.pending.add(path);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      const files = [...this.pending].sort();
      this.pending.clear();
      this.onBatch(files);
    }, this.batchMs);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = null;
  }
}
