// `npm start`: build, then open the desktop app. Without the Electron binary (installed with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1, or offline) fall back to the headless dashboard in a browser.
import { spawnSync } from 'node:child_process';
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

const help = spawnSync(process.execPath, [cli, '--help'], { cwd: repoRoot, encoding: 'utf8' });
if (help.status !== 0 || !/^\s+up\b/m.test(help.stdout)) {
  const firstError = help.stderr.split('\n').find((line) => /error/i.test(line)) ?? help.stderr.trim();
  const why = help.status !== 0 ? `the CLI does not load (${firstError})` : "it has no 'up' command yet";
  console.error(`The headless dashboard (upstream-lab ${dashboard.join(' ')}) is not available: ${why}`);
  process.exit(1);
}
process.exit(await run(process.execPath, [cli, ...dashboard]));
