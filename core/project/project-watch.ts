import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import dockerignore from '@balena/dockerignore';
import type { WatchRule } from '../compose/types';

/** Files of one folder of the project (`from`, relative; '' = the project) copied to `to` in the replicas (null: the image's WORKDIR). */
export interface WatchCopy {
  from: string;
  to: string | null;
  files: string[];
}

/** What a batch of saved files asks for: copied into the running replicas (and them restarted), or a rebuild. */
export type WatchAction =
  | { kind: 'sync'; files: string[]; copies: WatchCopy[]; restart: boolean }
  | { kind: 'rebuild'; files: string[] };

/** A `develop.watch` rule with its path relative to the project ('' = the project itself). */
export interface ProjectRule {
  action: WatchRule['action'];
  path: string;
  target: string | null;
  ignores: (path: string) => boolean;
}

/** The rules of a compose service as the watch of `dir` uses them; a rule outside `dir` is returned apart. */
export function projectRules(dir: string, rules: WatchRule[]): { rules: ProjectRule[]; outside: string[] } {
  const inside: ProjectRule[] = [];
  const outside: string[] = [];
  for (const rule of rules) {
    const path = relative(dir, rule.path).split(sep).join('/');
    if (path.startsWith('..')) {
      outside.push(rule.path);
      continue;
    }
    const ignore = dockerignore({ ignorecase: false }).add(rule.ignore);
    inside.push({
      action: rule.action,
      path,
      target: rule.target ?? null,
      ignores: (p) => ignore.ignores(p),
    });
  }
  return { rules: inside, outside };
}

/** `file` relative to the rule's path, when the rule covers it. */
function under(rule: ProjectRule, file: string): string | null {
  const rest =
    rule.path === ''
      ? file
      : file === rule.path
        ? file.split('/').at(-1)!
        : file.startsWith(`${rule.path}/`)
          ? file.slice(rule.path.length + 1)
          : null;
  return rest !== null && !rule.ignores(rest) ? rest : null;
}

/** The first rule that covers `file` (Compose Watch's order), if any. */
export function ruleFor(rules: ProjectRule[], file: string): { rule: ProjectRule; rest: string } | null {
  for (const rule of rules) {
    const rest = under(rule, file);
    if (rest !== null) return { rule, rest };
  }
  return null;
}

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

/**
 * A saved batch's action (paths relative to the project, with `/`). Without rules: a file the
 * image is built from rebuilds, the rest is synced into WORKDIR. With `develop.watch` rules: each
 * file takes its first rule's action (files no rule covers are not watched); any rebuild wins.
 */
export function watchAction(files: string[], rules: ProjectRule[] = []): WatchAction {
  if (rules.length === 0) {
    return files.some((file) => REBUILD.some((pattern) => pattern.test(file)))
      ? { kind: 'rebuild', files }
      : { kind: 'sync', files, copies: [{ from: '', to: null, files }], restart: false };
  }
  const matched = files.flatMap((file) => {
    const found = ruleFor(rules, file);
    return found ? [{ file, ...found }] : [];
  });
  if (matched.some(({ rule }) => rule.action === 'rebuild')) return { kind: 'rebuild', files };
  const copies = new Map<ProjectRule, WatchCopy>();
  for (const { rule, rest } of matched) {
    if (!rule.action.startsWith('sync')) continue;
    const copy = copies.get(rule) ?? { from: rule.path, to: rule.target, files: [] };
    copy.files.push(rest);
    copies.set(rule, copy);
  }
  return {
    kind: 'sync',
    files: matched.map(({ file }) => file),
    copies: [...copies.values()],
    restart: matched.some(({ rule }) => rule.action.endsWith('restart')),
  };
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
    /** `develop.watch` rules: then only what they cover is watched. */
    private readonly rules: ProjectRule[] = [],
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
      (this.rules.length
        ? ruleFor(this.rules, path) === null
        : !REBUILD.some((pattern) => pattern.test(path)) && ignore.ignores(path));
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
