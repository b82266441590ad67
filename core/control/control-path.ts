import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Unix socket paths are limited to about 104 bytes (macOS) or 108 (Linux). */
const MAX_SOCKET_PATH = 100;

/**
 * Where a running lab's control socket is: `<state>/control/<lab>.sock`, or on Windows a named
 * pipe; a state folder too deep for a socket path gets one in the temporary folder instead.
 */
export function controlPath(stateDir: string, lab: string, platform = process.platform): string {
  const key = createHash('sha256').update(`${stateDir}\0${lab}`).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\upstream-lab-${lab}-${key}`;
  const inState = join(stateDir, 'control', `${lab}.sock`);
  return Buffer.byteLength(inState) <= MAX_SOCKET_PATH ? inState : join(tmpdir(), `upstream-lab-${key}.sock`);
}
