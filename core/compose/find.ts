import { statSync } from 'node:fs';
import { join } from 'node:path';

/** The names Compose looks for, in the order it prefers them. */
export const COMPOSE_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
];

/** The compose file Compose itself would pick in `dir` (that order), or null. */
export function findComposeFile(dir: string): string | null {
  for (const name of COMPOSE_FILE_NAMES) {
    const path = join(dir, name);
    if (isFile(path)) return path;
  }
  return null;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
