import type { ProjectPlan } from './plan';
import { ProjectError } from './project-error';

export type DatabaseChoice = 'postgres';

const DB = {
  service: 'db',
  name: 'app',
  user: 'app',
  password: 'upstream-lab',
  port: 5432,
  volume: 'db-data',
};

/**
 * `--database postgres`: a lab PostgreSQL service `db` with a kept volume, and the replicas'
 * environment pointing the settings at it — DATABASE_URL and whichever DB_* / POSTGRES_* / SQL_*
 * names the settings read, filled in by what each name asks for (host, port, name, user, ...).
 */
export function sharedDatabase(plan: ProjectPlan, _choice: DatabaseChoice): void {
  if (plan.services.some((s) => s.name === DB.service)) {
    throw new ProjectError(
      `the project already has a service named "${DB.service}": it is its database; --database is for projects without one.`,
    );
  }
  const names = plan.django?.envNames ?? [];
  if (plan.django && !names.some(isDatabaseVariable)) {
    throw new ProjectError(
      `--database postgres: ${plan.django.settingsFiles[0] ?? 'the settings'} read no database variable from the ` +
        'environment (DATABASE_URL, DB_HOST, ...), so the replicas would go on using their own SQLite files. ' +
        "Make DATABASES read one (e.g. dj-database-url's DATABASE_URL), or leave --database out.",
    );
  }
  plan.services.push({
    name: DB.service,
    image: 'postgres:17',
    usesProjectImage: false,
    aliases: [],
    env: { POSTGRES_DB: DB.name, POSTGRES_USER: DB.user, POSTGRES_PASSWORD: DB.password },
    volumes: [{ type: 'volume', source: DB.volume, target: '/var/lib/postgresql/data', readOnly: false }],
    ports: [],
    // Awaited by its port: while initdb runs, PostgreSQL listens on its socket only.
    dependsOn: [],
    waitPort: DB.port,
  });
  plan.volumes.push(DB.volume);
  plan.image.addRequirements = [
    ...(plan.image.addRequirements ?? []),
    {
      name: 'psycopg2-binary',
      unless: /^(psycopg2?(-binary)?|psycopg\[[^\]]*\])\b/im,
      reason: '--database postgres: Django needs a PostgreSQL driver, which the requirements lack',
    },
  ];
  const env = databaseEnv(plan.django?.envNames ?? []);
  for (const replica of plan.replicas) replica.env = { ...replica.env, ...env };
  plan.roles.push({
    service: DB.service,
    role: 'service',
    detail: `lab PostgreSQL (--database postgres); volume ${DB.volume} kept`,
  });
}

/** The variables for the names the settings read, plus DATABASE_URL. */
export function databaseEnv(names: string[]): Record<string, string> {
  const env: Record<string, string> = {
    DATABASE_URL: `postgres://${DB.user}:${DB.password}@${DB.service}:${DB.port}/${DB.name}`,
  };
  for (const name of names) {
    if (
      name === 'DATABASE_URL' ||
      !/(^|_)(DB|DATABASE|POSTGRES|PG|SQL)(_|$)|^(DB|PG|POSTGRES|SQL)/.test(name)
    )
      continue;
    const value = valueFor(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function valueFor(name: string): string | undefined {
  if (/HOST$/.test(name)) return DB.service;
  if (/PORT$/.test(name)) return String(DB.port);
  if (/(USER|USERNAME)$/.test(name)) return DB.user;
  if (/(PASSWORD|PASS|PWD)$/.test(name)) return DB.password;
  if (/ENGINE$/.test(name)) return 'django.db.backends.postgresql';
  if (/(NAME|_DB|DATABASE)$/.test(name)) return DB.name;
  return undefined;
}

function isDatabaseVariable(name: string): boolean {
  return (
    name === 'DATABASE_URL' || /(^|_)(DB|DATABASE|POSTGRES|PG|SQL)(_|$)|^(DB|PG|POSTGRES|SQL)/.test(name)
  );
}
