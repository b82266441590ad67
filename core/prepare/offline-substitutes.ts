import { pythonVersionOf, withoutRegistry } from '../adapt/dockerfile';
import { nginxRecipe, postgresRecipe, type OfflineRecipe, type Suite } from '../images/recipes';
import { pythonRecipe } from '../images/python-recipe';

export interface PythonChoice {
  suite: Suite;
  /** Set when the version differs from the one asked for. */
  note: string | null;
}

/** The offline base for a `python:X.Y` image: 3.13 → trixie, 3.11 → bookworm, others the nearest. */
export function pythonSuiteFor(image: string): PythonChoice {
  const version = pythonVersionOf(image);
  if (version === '3.13') return { suite: 'trixie', note: null };
  if (version === '3.11') return { suite: 'bookworm', note: null };
  const [major, minor] = (version ?? '').split('.').map(Number);
  if (major === 3 && minor !== undefined && minor < 11)
    return {
      suite: 'bookworm',
      note: `${image} asks for Python ${version}; the nearest offline base has Python 3.11`,
    };
  if (version && version !== '3')
    return {
      suite: 'trixie',
      note: `${image} asks for Python ${version}; the nearest offline base has Python 3.13`,
    };
  return { suite: 'trixie', note: null };
}

/** The offline stand-in for an image, if there is one: Python bases, PostgreSQL, nginx. */
export function substituteRecipe(image: string): OfflineRecipe | null {
  const repo = repoName(image);
  if (repo === 'python') return pythonRecipe(pythonSuiteFor(image).suite);
  if (repo === 'postgres') return postgresRecipe();
  if (repo === 'nginx') return nginxRecipe();
  return null;
}

/** `docker.arvancloud.ir/library/postgres:16-alpine` → `postgres`. */
export function repoName(image: string): string {
  return withoutRegistry(image)
    .replace(/^library\//, '')
    .replace(/[@:].*$/, '');
}
