import { randomBytes } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeProblem } from './file-errors';

/**
 * Where settings and labs are kept: $UPSTREAM_LAB_HOME, else the platform's config folder
 * (Electron passes its userData folder instead).
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.UPSTREAM_LAB_HOME) return env.UPSTREAM_LAB_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'upstream-lab');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'upstream-lab');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'upstream-lab');
}

/** Why labs cannot be saved in `dir` (tried with a probe file where they go), or null if they can. */
export async function stateDirProblem(dir: string): Promise<string | null> {
  const labs = join(dir, 'labs');
  const probe = join(labs, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(labs, { recursive: true });
    await (await open(probe, 'wx', 0o600)).close();
    await unlink(probe);
    return null;
  } catch (error) {
    return writeProblem((error as NodeJS.ErrnoException).path ?? labs, error);
  }
}
