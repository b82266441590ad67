import { homedir } from 'node:os';
import { join } from 'node:path';

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
