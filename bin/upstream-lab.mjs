#!/usr/bin/env node
// Runs the CLI from a checkout: the bundle in out/cli when it is up to date with core/
// (`npm install` and `npm run build` make it), otherwise the TypeScript itself through tsx.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bundle = join(root, 'out/cli/main.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(bundle).mtimeMs >= newestSource(join(root, 'core'));
  } catch {
    return false;
  }
}

let cli;
if (bundleIsFresh()) {
  cli = await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../core/cli/main.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
