import { posix } from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { LineSplitter } from '../logs/lines';
import type { Emitter } from '../events/emitter';
import type { ReplicaPlan } from '../project/plan';
import type { LabEvents } from './lab-events';
import { runOneOff } from './one-off';

/**
 * `python manage.py migrate --noinput`, run where manage.py is: the image's working directory,
 * or the folder manage.py sits in below it.
 */
export function migrateCommand(managePy: string): string[] {
  const sub = posix.dirname(managePy.split('\\').join('/'));
  const run = 'python manage.py migrate --noinput';
  const script =
    sub === '.'
      ? `if [ -f manage.py ]; then exec ${run}; fi`
      : `if [ -f manage.py ]; then exec ${run}; elif [ -f ${sub}/manage.py ]; then cd ${sub} && exec ${run}; fi`;
  return ['sh', '-c', `${script}; echo "manage.py is not in $(pwd) of the image" >&2; exit 2`];
}

export interface MigrateOptions {
  docker: Docker;
  lab: string;
  image: string;
  network: string;
  /** The first replica: its environment, entrypoint and user are what the replicas run with. */
  replica: ReplicaPlan;
  managePy: string;
  events: Emitter<LabEvents>;
  log: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * Migrations once, in a one-off container of the image on the lab network, after the database
 * service is ready and before any replica joins (as `docker compose run --rm backend migrate`).
 */
export async function migrateOnce(o: MigrateOptions): Promise<void> {
  const command = migrateCommand(o.managePy);
  const started = Date.now();
  o.events.emit('migrate:start', { command: 'python manage.py migrate --noinput', where: 'once' });
  const result = await runOneOff(
    o.docker,
    {
      lab: o.lab,
      name: 'migrate',
      image: o.image,
      network: o.network,
      env: o.replica.env,
      cmd: command,
      ...(o.replica.entrypoint ? { entrypoint: o.replica.entrypoint } : {}),
      ...(o.replica.workingDir ? { workingDir: o.replica.workingDir } : {}),
      ...(o.replica.user ? { user: o.replica.user } : {}),
      ...(o.replica.volumes ? { volumes: o.replica.volumes } : {}),
    },
    (line, stream) => {
      o.log(line, stream);
      o.events.emit('migrate:log', { line });
    },
  );
  finish(o.events, result.exitCode, result.output, started);
}

/** Migrations inside a running replica (its own SQLite file), before it is probed. */
export async function migrateIn(
  docker: Docker,
  container: string,
  /** `backend2`: where, for the user. */
  replica: string,
  managePy: string,
  events: Emitter<LabEvents>,
  log: (line: string, stream: 'stdout' | 'stderr') => void,
): Promise<void> {
  const started = Date.now();
  events.emit('migrate:start', { command: 'python manage.py migrate --noinput', where: replica });
  const exec = await docker.getContainer(container).exec({
    Cmd: migrateCommand(managePy),
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  const output: string[] = [];
  const lines = new LineSplitter();
  const emit = (line: string): void => {
    output.push(line);
    log(line, 'stdout');
    events.emit('migrate:log', { line });
  };
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => lines.push(chunk).forEach(emit));
  docker.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
  const rest = lines.flush();
  if (rest !== undefined) emit(rest);
  const { ExitCode } = await exec.inspect();
  finish(events, ExitCode ?? -1, output, started);
}

function finish(events: Emitter<LabEvents>, exitCode: number, output: string[], started: number): void {
  const durationMs = Date.now() - started;
  if (exitCode === 0) {
    events.emit('migrate:done', { durationMs });
    return;
  }
  const last = output.filter((l) => l.trim()).slice(-15);
  const message =
    `python manage.py migrate failed (exit code ${exitCode})` +
    (last.length ? `:\n${last.map((l) => `  ${l}`).join('\n')}` : '') +
    databaseHint(output);
  events.emit('migrate:failed', { message });
  throw new Error(message);
}

/** The one mistake everyone makes: `localhost` inside a container is the container itself. */
function databaseHint(output: string[]): string {
  const text = output.join('\n');
  if (
    /(connection to server at "(localhost|127\.0\.0\.1)"|could not connect to server).*(refused|Cannot assign)/is.test(
      text,
    )
  ) {
    return (
      '\nThe settings connect to a database on localhost, which inside a container is the container itself. ' +
      'Run a database beside the replicas (a compose service such as `db`, or --database postgres) and set its host ' +
      '(e.g. --env DB_HOST=db).'
    );
  }
  if (
    /could not translate host name "([^"]+)"|Name or service not known|failed to resolve host/i.test(text)
  ) {
    return '\nThe database host named in the settings does not exist on the lab network: name a compose service (e.g. DB_HOST=db).';
  }
  return '';
}
