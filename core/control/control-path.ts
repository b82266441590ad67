import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Unix socket paths are limited to about 104 bytes (macOS) or 108 (Linux). */
const MAX_SOCKET_PATH = 100;

/**
 * Where a running lab's control socket may be, in the order tried: `<state>/control/<lab>.sock`
 * (or on Windows a named pipe), then one in the temporary folder, for a state folder that is
 * too deep for a socket path or cannot be written. `up` listens on the first that works; the
 * CLI tries each.
 */
export function controlPaths(stateDir: string, lab: string, platform = process.platform): string[] {
  const key = createHash('sha256').update(`${stateDir}\0${lab}`).digest('hex').slice(0, 16);
  if (platform === 'win32') return [`\\\\.\\pipe\\upstream-lab-${lab}-${key}`];
  const inTmp = join(tmpdir(), `upstream-lab-${uid()}-${key}.sock`);
  const inState = join(stateDir, 'control', `${lab}.sock`);
  return Buffer.byteLength(inState) <= MAX_SOCKET_PATH ? [inState, inTmp] : [inTmp];
}

function uid(): string {
  try {
    return String(userInfo().uid);
  } catch {
    return 'user';
  }
}
