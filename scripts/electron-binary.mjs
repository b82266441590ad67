// Finds the Electron executable WITHOUT require('electron'): since Electron 45 that call
// downloads the binary when it is missing, which hangs or fails offline.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Electron 45 has no install script: `npm install` never downloads the binary (whatever
// ELECTRON_SKIP_BINARY_DOWNLOAD says); its own install.js (bin `install-electron`) does.
export const installHint =
  'download it with `npx install-electron --no` (or `node node_modules/electron/install.js`); ' +
  'if GitHub is unreachable, set ELECTRON_MIRROR to a reachable mirror first';

/** @returns {{ path: string } | { reason: string }} */
export function findElectronBinary() {
  let packageDir;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: `the electron package is not installed; run npm install` };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { reason: `the Electron binary was never downloaded; ${installHint}` };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, relative) : join(packageDir, 'dist', relative);
  return existsSync(path) ? { path } : { reason: `${path} does not exist; ${installHint}` };
}
