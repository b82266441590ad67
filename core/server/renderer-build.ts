import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../paths';

export const RENDERER_DIR = join(ROOT, 'out/renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The folders the renderer is built from: its own, and the core modules it imports. */
const RENDERER_SOURCES = ['renderer', 'core/api', 'core/explain', 'core/nginx', 'core/adapt'];

/** True when out/renderer is missing or older than a file it is built from. */
export function rendererStale(): boolean {
  const index = join(RENDERER_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return RENDERER_SOURCES.some((dir) => newestMtime(join(ROOT, dir)) > built);
}

/** Builds the renderer from a checkout when needed (a packaged app ships it built). */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<string> {
  if (!rendererStale()) return RENDERER_DIR;
  log('dashboard: building the renderer (electron-vite build), once per change...');
  const bin = join(ROOT, 'node_modules/.bin/electron-vite');
  const code = await new Promise<number | null>((done) => {
    const child = spawn(bin, ['build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', done);
    child.on('error', () => done(-1));
  });
  if (code !== 0)
    throw new Error(`dashboard: building the renderer failed (electron-vite build exited ${code})`);
  return RENDERER_DIR;
}
