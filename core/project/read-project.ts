import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findComposeFile, loadCompose } from '../compose';
import { composeRoles } from './compose-plan';
import { databaseKind, readDjangoProject, settingsText } from './django';
import { dockerfilePlan } from './dockerfile-plan';
import type { ProjectPlan } from './plan';
import { projectFiles } from './project-files';
import { ProjectError } from './project-error';
import { replicasMigrate } from './self-migration';
import { sharedDatabase, type DatabaseChoice } from './shared-database';

export interface ReadProjectOptions {
  /** The project folder. */
  dir: string;
  /** --compose FILE; default: the compose file Compose would pick in `dir`, if any. */
  composeFile?: string;
  /** --env-file: for compose interpolation (instead of .env) and the replicas' environment. */
  envFiles?: string[];
  /** Parsed --env-file contents and --env K=V, over everything else, for the replicas. */
  env?: Record<string, string>;
  /** --command, already split. */
  command?: string[];
  replicas?: number;
  service?: string;
  /** --database postgres: a lab PostgreSQL the settings are pointed at. */
  database?: DatabaseChoice;
  /** The process environment for interpolation (default process.env). */
  processEnv?: Record<string, string | undefined>;
}

/** Reads a project folder into a plan: its compose file if it has one, else its Dockerfile alone. */
export async function readProject(options: ReadProjectOptions): Promise<ProjectPlan> {
  const { dir } = options;
  if (!existsSync(dir)) throw new ProjectError(`${dir}: no such folder.`);
  const composeFile = options.composeFile ?? findComposeFile(dir);
  const django = await readDjangoProject(dir);
  let plan: ProjectPlan;
  if (composeFile) {
    const compose = await loadCompose({
      dir,
      file: composeFile,
      ...(options.envFiles ? { envFiles: options.envFiles } : {}),
      ...(options.processEnv ? { env: options.processEnv } : {}),
    });
    const roles = await composeRoles(compose, {
      ...(options.replicas ? { replicas: options.replicas } : {}),
      ...(options.service ? { service: options.service } : {}),
    });
    plan = {
      dir: compose.dir,
      source: 'compose',
      composeFile: compose.file,
      image: roles.image,
      replicas: roles.replicas,
      services: roles.services,
      volumes: [
        ...new Set(
          [...roles.services, ...roles.replicas].flatMap((s) =>
            (s.volumes ?? []).flatMap((v) => (v.type === 'volume' && v.source ? [v.source] : [])),
          ),
        ),
      ],
      balancer: roles.balancer,
      django,
      migrate: 'none',
      replicasMigrate: false,
      roles: roles.roles,
      warnings: [...compose.warnings, ...(roles.balancer?.warnings ?? []), ...roles.warnings],
    };
  } else {
    if (!existsSync(join(dir, 'Dockerfile')))
      throw new ProjectError(`${dir}: no Dockerfile and no compose file: nothing to build.`);
    plan = { ...dockerfilePlan(dir, options.replicas ?? 3), django };
  }
  for (const replica of plan.replicas) {
    replica.env = { ...replica.env, ...options.env, REPLICA_NAME: replica.name };
    if (options.command) replica.command = options.command;
  }
  if (options.database) sharedDatabase(plan, options.database);
  const kind = django
    ? databaseKind(await settingsText(plan.dir, django), plan.replicas[0]?.env ?? {})
    : 'none';
  plan.migrate = !django?.hasMigrations || kind === 'none' ? 'none' : kind === 'sqlite' ? 'each' : 'once';
  if (kind === 'sqlite') warnAboutSqlite(plan);
  plan.replicasMigrate = plan.migrate === 'once' && (await replicasMigrate(plan));
  plan.files = await projectFiles(plan);
  return plan;
}

/** With several replicas, SQLite means several databases: say so, and how to share one. */
function warnAboutSqlite(plan: ProjectPlan): void {
  const django = plan.django;
  if (!django || plan.replicas.length < 2) return;
  const readsDb = django.envNames.filter((name) =>
    /DATABASE_URL|(^|_)(DB|DATABASE|POSTGRES|SQL)(_|$)/.test(name),
  );
  const fix = readsDb.length
    ? `Start with --database postgres (in the dashboard: Database, a lab PostgreSQL): a lab PostgreSQL, and ${readsDb.join(', ')} set for the replicas (the settings read them).`
    : `Point DATABASES at a shared server (settings read no database variable from the environment, so --database postgres cannot do it for you).`;
  plan.warnings.push(
    `${django.settingsFiles[0] ?? relative(plan.dir, django.managePy)}: the settings use SQLite: each of the ${plan.replicas.length} replicas has its own database file, ` +
      `so data written through the balancer is seen on one replica only and a login is lost on the next hop. ${fix}`,
  );
}
