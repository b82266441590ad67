import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql' | 'none' | 'unknown';

/** What the lab needs to know about a Django project, read from its files (never run). */
export interface DjangoProject {
  /** manage.py, relative to the project folder (`manage.py`, `src/manage.py`). */
  managePy: string;
  /** `config.settings` */
  settingsModule: string | null;
  /** The settings files read (relative). */
  settingsFiles: string[];
  /** Environment variables the settings read (`DB_HOST`, `DATABASE_URL`, ...). */
  envNames: string[];
  /** Has models to migrate: Django's own apps or a migrations folder. */
  hasMigrations: boolean;
}

const SKIP = new Set(['.git', 'node_modules', '.venv', 'venv', 'env', '__pycache__', 'static', 'media']);

/** The Django project in `dir` (manage.py at most three folders down), or null. */
export async function readDjangoProject(dir: string): Promise<DjangoProject | null> {
  const managePy = await findFile(dir, 'manage.py', 3);
  if (!managePy) return null;
  const manageText = await readFile(managePy, 'utf8').catch(() => '');
  const settingsModule = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(manageText)?.[1] ?? null;
  const base = dirname(managePy);
  const settingsFiles = settingsModule ? await moduleFiles(base, settingsModule) : [];
  const texts = await Promise.all(settingsFiles.map((file) => readFile(file, 'utf8').catch(() => '')));
  const settings = texts.join('\n');
  return {
    managePy: relative(dir, managePy),
    settingsModule,
    settingsFiles: settingsFiles.map((file) => relative(dir, file)),
    envNames: envNamesRead(settings),
    hasMigrations:
      /['"]django\.contrib\./.test(settings) || (await findFile(base, '0001_initial.py', 4)) !== null,
  };
}

const ENV_READS = [
  /os\.environ\.get\(\s*['"]([A-Za-z_][\w]*)['"]/g,
  /os\.environ\[\s*['"]([A-Za-z_][\w]*)['"]\s*\]/g,
  /os\.getenv\(\s*['"]([A-Za-z_][\w]*)['"]/g,
  // django-environ (`env('X')`, `env.str('X')`, `env.db('X')`), python-decouple (`config('X')`).
  /\b(?:env|config)(?:\.\w+)?\(\s*['"]([A-Za-z_][\w]*)['"]/g,
];

export function envNamesRead(text: string): string[] {
  const names = new Set<string>();
  for (const pattern of ENV_READS) for (const match of text.matchAll(pattern)) names.add(match[1]!);
  // dj-database-url reads DATABASE_URL unless told otherwise; env.db() too.
  if (/dj_database_url\.config\(|\benv\.db\(\s*\)/.test(text)) names.add('DATABASE_URL');
  return [...names].sort();
}

/**
 * The database the settings will use with `env` as the container's environment: DATABASE_URL's
 * scheme, an ENGINE variable, else the default written in the settings.
 */
export function databaseKind(settings: string, env: Record<string, string>): DatabaseKind {
  const url = env.DATABASE_URL;
  if (url) return kindOf(url.split(':')[0] ?? '');
  for (const [name, value] of Object.entries(env)) {
    if (/(^|_)ENGINE$/.test(name) && /(DB|DATABASE|SQL)/.test(name)) return kindOf(value);
  }
  if (!/DATABASES\s*=/.test(settings) && !/dj_database_url|env\.db\(/.test(settings)) return 'unknown';
  if (/DATABASES\s*=\s*\{\s*\}/.test(settings)) return 'none';
  const defaults = [...settings.matchAll(/(sqlite3?|postgres\w*|psycopg|mysql)/gi)].map((m) => m[1]!);
  return defaults.length > 0 ? kindOf(defaults[0]!) : 'unknown';
}

function kindOf(text: string): DatabaseKind {
  if (/sqlite/i.test(text)) return 'sqlite';
  if (/postg|psycopg|pgsql/i.test(text)) return 'postgres';
  if (/mysql|maria/i.test(text)) return 'mysql';
  return 'unknown';
}

/** Reads all the settings text of a project (for databaseKind). */
export async function settingsText(dir: string, project: DjangoProject): Promise<string> {
  const texts = await Promise.all(
    project.settingsFiles.map((file) => readFile(join(dir, file), 'utf8').catch(() => '')),
  );
  return texts.join('\n');
}

/** `config.settings` → config/settings.py, or every .py of the package config/settings/. */
async function moduleFiles(base: string, module: string): Promise<string[]> {
  const path = join(base, ...module.split('.'));
  if (existsSync(`${path}.py`)) return [`${path}.py`];
  try {
    if ((await stat(path)).isDirectory()) {
      const names = (await readdir(path)).filter((name) => name.endsWith('.py')).sort();
      return names.map((name) => join(path, name));
    }
  } catch {
    // A settings module we cannot find: nothing to read.
  }
  return [];
}

/** Breadth-first: the shallowest `name` at most `depth` folders down. */
async function findFile(dir: string, name: string, depth: number): Promise<string | null> {
  let level = [dir];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const next: string[] = [];
    for (const folder of level) {
      const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
      if (entries.some((e) => e.isFile() && e.name === name)) return join(folder, name);
      for (const e of entries) if (e.isDirectory() && !SKIP.has(e.name)) next.push(join(folder, e.name));
    }
    level = next.sort();
  }
  return null;
}
