import { execFileSync } from 'node:child_process';
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

/**
 * A pure-Python wheel `NAME-VERSION-py3-none-any.whl` in `dir` with one module `NAME` whose
 * `VALUE` is `value`, made with the host's python3 (zipfile): what a user's wheelhouse holds.
 */
export function makeWheel(dir: string, name: string, version: string, value: string): string {
  const file = `${name}-${version}-py3-none-any.whl`;
  const script = `
import base64, hashlib, sys, zipfile
name, version, value, path = sys.argv[1:5]
info = f"{name}-{version}.dist-info"
files = {
  f"{name}/__init__.py": f"VALUE = {value!r}\\n",
  f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",
  f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: upstream-lab-tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
def digest(data):
  return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data.encode()).digest()).rstrip(b"=").decode()
record = "".join(f"{p},{digest(d)},{len(d.encode())}\\n" for p, d in files.items()) + f"{info}/RECORD,,\\n"
with zipfile.ZipFile(path, "w") as z:
  for p, d in files.items(): z.writestr(p, d)
  z.writestr(f"{info}/RECORD", record)
`;
  execFileSync('python3', ['-c', script, name, version, value, join(dir, file)]);
  return file;
}
