// `npm start`: build, then open the desktop app. Without the Electron binary (installed with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1, or offline) fall back to the headless dashboard in a browser.
import { join } from 'node:path';
import { findElectronBinary } from './electron-binary.mjs';
import { repoRoot, run } from './run.mjs';

const dashboard = ['up', '--dashboard', '127.0.0.1:5170'];
const cli = join(repoRoot, 'bin', 'upstream-lab.mjs');

const buildCode = await run('electron-vite', ['build']);
if (buildCode !== 0) process.exit(buildCode);

const electron = findElectronBinary();
if ('path' in electron) {
  // Chromium will not start as root with its OS sandbox; the window's own sandbox stays on.
  const args = [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), repoRoot];
  process.exit(await run(electron.path, args));
}

console.error(`\nCannot open the desktop app: ${electron.reason}.`);
console.error('Falling back to the headless dashboard in your browser instead.\n');

process.exit(await run(process.execPath, [cli, ...dashboard]));
