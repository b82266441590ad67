import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** A host path of the compose file as an absolute one: `~` is the home folder, relative is from `dir`. */
export function hostPath(path: string, dir: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return resolve(dir, path);
}
