// Small helpers shared by the npm scripts in this folder.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command from node_modules/.bin (or any executable) with inherited stdio; resolves to its exit code. */
export function run(command, args = [], options = {}) {
  const local = join(repoRoot, 'node_modules', '.bin', command);
  const executable = command.includes('/') ? command : local;
  return new Promise((resolve) => {
    const child = spawn(executable, args, {
      cwd: repoRoot,
      stdio: 'inherit',
      shell: process.platform === 'win32',
      ...options,
    });
    child.on('error', (error) => {
      console.error(`${command}: ${error.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
