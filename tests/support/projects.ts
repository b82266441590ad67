import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/projects');

export type ProjectFixture = 'course-repo' | 'library-sqlite' | 'django-on-docker' | 'no-cmd';

/**
 * A fresh copy of a project fixture in a temp folder (tests change files in it, and the lab
 * must never write into a project), with a function that removes it.
 */
export function copyProject(name: ProjectFixture): { dir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), `ul-${name}-`));
  const dir = join(root, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Cookies of a response, name → value. */
export function cookiesOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const at = pair!.indexOf('=');
    out[pair!.slice(0, at)] = pair!.slice(at + 1);
  }
  return out;
}

export const cookieHeader = (cookies: Record<string, string>): string =>
  Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
