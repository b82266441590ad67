import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'vitest';

/**
 * Gate a suite on something outside the repo (nginx, dockerd, chromium). In CI a missing
 * prerequisite is a failing test; on a laptop the suite is skipped with the reason printed.
 */
export function requires(what: string, available: boolean, howToFix: string): boolean {
  if (available) return true;
  if (process.env.CI) {
    test(`${what} is available (required in CI)`, () => {
      throw new Error(`${what} is not available: ${howToFix}`);
    });
  } else {
    console.warn(`SKIPPED: ${what} is not available; ${howToFix}`);
  }
  return false;
}

export function findExecutable(name: string, candidates: string[] = []): string | undefined {
  for (const path of candidates) if (existsSync(path)) return path;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const nginxBinary = (): string | undefined => findExecutable('nginx', ['/usr/sbin/nginx']);
