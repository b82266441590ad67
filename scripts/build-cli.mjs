// Bundles the CLI (core/cli/main.ts and everything it imports from core/) into one ES module,
// out/cli/main.mjs, so `upstream-lab` starts without compiling TypeScript on every run.
// bin/upstream-lab.mjs uses the bundle only while it is newer than every file in core/.
import { build } from 'esbuild';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
await build({
  entryPoints: [resolve(root, 'core/cli/main.ts')],
  outfile: resolve(root, 'out/cli/main.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
