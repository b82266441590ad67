import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project's root folder (where package.json is), found from this module's own location:
 * right from the TypeScript sources, the CLI bundle and its chunks, Electron's bundle, and a
 * packaged app (app.asar). Resources are looked up from here, never by counting `../`.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const ROOT = findRoot(import.meta.dirname);

/** A folder in resources/; in a packaged app, the unpacked copy that other programs can read. */
export function resourcePath(...parts: string[]): string {
  return join(ROOT, 'resources', ...parts).replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
