// `npm run dist [-- electron-builder args]`: build, then package installers with electron-builder.
// When the Electron zip or builder tools cannot be downloaded, say so and how to fix it; no stack trace.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot, run } from './run.mjs';

const downloadFailure =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|getaddrinfo|certificate|status code 40[34]|cannot download|download failed/i;

const buildCode = await run('electron-vite', ['build']);
if (buildCode !== 0) process.exit(buildCode);

const builder = spawn(join(repoRoot, 'node_modules', '.bin', 'electron-builder'), process.argv.slice(2), {
  cwd: repoRoot,
  stdio: ['inherit', 'pipe', 'pipe'],
  shell: process.platform === 'win32',
});
let transcript = '';
for (const stream of [builder.stdout, builder.stderr]) {
  createInterface({ input: stream }).on('line', (line) => {
    transcript += `${line}\n`;
    if (/^\s+at /.test(line)) return;
    console.log(line.replace(/\s+stackTrace=.*$/, ''));
  });
}
const code = await new Promise((resolve) => builder.on('close', (status) => resolve(status ?? 1)));

if (code !== 0 && downloadFailure.test(transcript)) {
  console.error(`
Packaging failed: electron-builder could not download Electron or its helper tools (AppImage, fpm,
NSIS), which it fetches from GitHub on first use. To package without that access, set:
  ELECTRON_MIRROR=<url>                   a mirror of Electron's release zips
  ELECTRON_BUILDER_BINARIES_MIRROR=<url>  a mirror of electron-builder's helper tools
  ELECTRON_BUILDER_CACHE=<dir>            a cache warmed by an earlier build (default ~/.cache/electron-builder;
                                          Electron zips are kept in ~/.cache/electron)`);
}
process.exit(code);
