import { spawn, type ChildProcess } from 'node:child_process';
import { LineSplitter } from '../logs/lines';

export class OfflineImageError extends Error {
  override name = 'OfflineImageError';
}

/** Runs a command, each output line to `log`; rejects with the command's name and exit status. */
export function run(
  command: string,
  args: string[],
  log: (line: string) => void,
  options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  for (const stream of [child.stdout, child.stderr]) {
    const lines = new LineSplitter();
    stream.on('data', (chunk: Buffer) => lines.push(chunk).forEach(log));
  }
  return exitOf(child, command);
}

export function exitOf(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new OfflineImageError(`${name}: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new OfflineImageError(`${name} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}
