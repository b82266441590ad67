// Bundles the CLI (core/cli/main.ts and everything it imports from core/) into out/cli/main.js
// and chunks for what is imported on demand, so `upstream-lab` starts without compiling
// TypeScript on every run. bin/upstream-lab.mjs uses it only while it is newer than core/.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outdir = resolve(root, 'out/cli');
// Chunk names carry hashes: start clean so old chunks don't pile up.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [resolve(root, 'core/cli/main.ts')],
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
