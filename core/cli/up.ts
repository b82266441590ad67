import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { FAILURE_DETECTIONS, type LabSettings, type LabView } from '../api/contract';
import { App } from '../app/app';
import type { DashboardServer } from '../server/dashboard-server';
import { parseListen } from '../lab/default-config';
import { checkDashboardAddress } from './dashboard-address';
import { ControlServer } from '../control/control-server';
import { controlPaths } from '../control/control-path';
import { defaultStateDir } from '../state/state-dir';
import { CliError } from './errors';
import { askedLanguage, cli } from './language';
import { labOption, listenArg, replicasArg } from './lab-options';
import { savedLabWarnings } from './saved-lab';
import { settingsFor } from './up-settings';
import { installLastResort, untilSignal } from './signals';

interface UpOptions {
  project?: string;
  compose?: string;
  service?: string;
  replicas?: number;
  listen?: string;
  lab: string;
  runtime: LabSettings['runtime'];
  baseImage?: string;
  registryMirror: string[];
  pipIndex?: string;
  offline?: boolean;
  wheelhouse?: string;
  env: string[];
  envFile: string[];
  command?: string;
  readyPath?: string;
  database?: 'postgres';
  failureDetection?: LabSettings['failureDetection'];
  config?: string;
  dashboard?: string;
  dashboardPublic?: boolean;
  quiet?: boolean;
  watch?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerUp(program: Command): void {
  labOption(
    program
      .command('up')
      .description(
        'build the project, run its services and replicas and balance them, in the foreground; Ctrl-C removes the containers (volumes stay)',
      )
      .option(
        '--project <dir>',
        'the project folder: a Dockerfile, and a compose file if it has one (default: the sample backend)',
      )
      .option(
        '--compose <file>',
        'the compose file (default: compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml in the project)',
      )
      .option('--service <name>', 'the app service to balance, when the compose file builds several')
      .option(
        '--replicas <n>',
        "number of replicas (default: the servers of the project's nginx.conf, or 3)",
        replicasArg,
      )
      .option(
        '--listen <host:port>',
        "where the balancer listens (default: the nginx service's published port, else 127.0.0.1:8080)",
        listenArg('--listen'),
      )
      .addOption(
        new Option('--runtime <kind>', 'docker, or demo: built-in backends')
          .choices(['docker', 'demo'])
          .default('docker'),
      )
      .option('--env <KEY=VALUE>', "set a variable in the replicas' environment (repeatable)", collect, [])
      .option(
        '--env-file <file>',
        'variables for compose interpolation (instead of .env) and for the replicas (repeatable)',
        collect,
        [],
      )
      .option('--command <command>', "the replicas' command instead of the image's or the compose file's")
      .option(
        '--ready-path <path>',
        'a health path of the app that answers 2xx/3xx (default: GET / answered below 500)',
      )
      .addOption(
        new Option(
          '--database <kind>',
          'run a lab database and point the settings at it (projects on SQLite)',
        ).choices(['postgres']),
      )
      .option(
        '--registry-mirror <host>',
        'a Docker Hub mirror, e.g. docker.arvancloud.ir (repeatable: tried in order)',
        collect,
        [],
      )
      .addOption(
        new Option(
          '--failure-detection <mode>',
          "how the balancer learns a backend failed: nginx (its own attempts, max_fails/fail_timeout: nginx's behaviour) or engine (also Docker's events: out at once)",
        ).choices([...FAILURE_DETECTIONS]),
      )
      .option('--pip-index <url>', 'a PyPI mirror for when the index the Dockerfile names cannot be reached')
      .option('--offline', 'no network at all: offline base images, Debian packages for the requirements')
      .option('--wheelhouse <dir>', 'wheels for requirements Debian does not have (offline builds)')
      .option('--base-image <image>', "replace the image the Dockerfile's last stage starts FROM")
      .option('--config <nginx.conf>', 'balance with this nginx.conf: its backendN servers are the replicas')
      .option(
        '--dashboard <host:port>',
        'also serve the dashboard here (loopback), with a token',
        listenArg('--dashboard'),
      )
      .option(
        '--dashboard-public',
        '--dashboard may be a non-loopback address (other machines reach it; the token is the only guard)',
      )
      .option('--quiet', 'no access log')
      .option(
        '--watch',
        'once ready, saved files are copied into the replicas one at a time; a Dockerfile or requirements change rebuilds and rolls out',
      ),
  ).action((options: UpOptions) => up(options));
}

/** `KEY=VALUE` → [KEY, VALUE], or a one-line error naming the option. */
function envPair(text: string): [string, string] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text);
  if (!match) throw new CliError(`--env "${text}" is not KEY=VALUE (KEY: letters, digits and _)`, 2);
  return [match[1]!, match[2]!];
}

async function up(options: UpOptions): Promise<void> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  if (options.dashboard)
    checkDashboardAddress(options.dashboard, options.dashboardPublic ?? false, (line) =>
      process.stderr.write(`${line}\n`),
    );
  for (const line of await savedLabWarnings(options.lab)) process.stderr.write(`${line}\n`);
  const app = new App({
    settings: settingsFor({
      lab: options.lab,
      runtime: options.runtime,
      ...(options.listen ? { listen: options.listen } : {}),
      ...(options.project ? { project: resolve(options.project) } : {}),
      ...(options.compose ? { composeFile: resolve(options.compose) } : {}),
      ...(options.service ? { service: options.service } : {}),
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      ...(options.baseImage ? { baseImage: options.baseImage } : {}),
      registryMirrors: options.registryMirror,
      ...(options.pipIndex ? { pipIndex: options.pipIndex } : {}),
      ...(options.offline ? { offline: true } : {}),
      ...(options.wheelhouse ? { wheelhouse: resolve(options.wheelhouse) } : {}),
      env: Object.fromEntries(options.env.map(envPair)),
      envFiles: options.envFile.map((file) => resolve(file)),
      ...(options.command ? { command: options.command } : {}),
      ...(options.readyPath ? { readyPath: options.readyPath } : {}),
      ...(options.database ? { database: options.database } : {}),
      ...(options.failureDetection ? { failureDetection: options.failureDetection } : {}),
    }),
  });
  let dashboard: DashboardServer | null = null;
  // `upstream-lab rollout` / `canary` in another terminal reach this lab through it.
  const control = await ControlServer.listenFirst(app, controlPaths(defaultStateDir(), options.lab)).catch(
    (error: Error) => {
      process.stderr.write(`${cli().t('cli:up.noControl', { message: error.message })}\n`);
      return null;
    },
  );
  // Ctrl-C (or the terminal closing) at any point, even mid-build, removes what was started.
  const stopped = untilSignal();
  const shutdown = async (): Promise<void> => {
    await dashboard?.close();
    await control?.close();
    await app.close();
  };
  // An error nothing caught still removes the lab's containers before the process ends.
  installLastResort({ cleanup: shutdown });
  try {
    // The lab as it was last saved (the dashboard's changes, an imported conf); flags given here win.
    if (await app.restore()) out(cli().t('cli:up.saved', { lab: options.lab }));
    if (options.config) await importConfig(app, options.config, options.replicas);
    app.events.on('logs', (lines) => {
      for (const line of lines) {
        // error_log lines (upstream failures in nginx's words) are not silenced by --quiet.
        if ((line.source === 'lab' && line.stream === 'stderr') || line.source === 'error')
          process.stderr.write(`${line.text}\n`);
        else if (
          line.source === 'lab' ||
          line.source === 'migrate' ||
          (line.source === 'access' && !options.quiet)
        )
          out(line.source === 'migrate' ? `migrate | ${line.text}` : line.text);
      }
    });
    if (options.dashboard) dashboard = await serveDashboard(app, options.dashboard, out);
    await app.call('lab.start', {});
    const started = app.view();
    // Other labs an earlier run left behind are offered in the dashboard (adopt or remove).
    if (dashboard) void app.call('leftovers.scan', {}).catch(() => undefined);
    const ready =
      started.state === 'error'
        ? Promise.reject(new CliError(started.error ?? 'the lab did not start', 1, true))
        : announceWhenReady(app, started, out);
    const watched = options.watch
      ? ready.then(() => app.call('lab.watch', { enabled: true })).then(() => undefined)
      : ready;
    await Promise.race([watched, stopped]).catch((error: Error) => {
      // With a dashboard, a lab that fails to start is fixed there (or switched to the demo backends).
      if (!dashboard) throw error;
      if (!(error instanceof CliError && error.printed))
        out(cli().t('cli:up.error', { message: error.message }));
      out(cli().t('cli:up.staysUp'));
    });
  } catch (error) {
    await shutdown();
    throw error instanceof CliError ? error : new CliError((error as Error).message);
  }
  await stopped;
  out(cli().t('cli:up.stopping'));
  await shutdown();
}

async function importConfig(app: App, file: string, replicas: number | undefined): Promise<void> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new CliError(`${file}: cannot read: ${error.message}`);
  });
  const result = await app.call('config.import', { text, file });
  if (result.error) {
    const { line, col, message } = result.error;
    throw new CliError(`${file}:${line}:${col}: ${message}`);
  }
  for (const warning of result.warnings)
    process.stderr.write(`${cli().t('cli:warning', { message: warning })}\n`);
  if (replicas !== undefined) await app.call('lab.scale', { replicas });
}

async function serveDashboard(
  app: App,
  listen: string,
  out: (line: string) => void,
): Promise<DashboardServer> {
  const { host, port } = parseListen(listen);
  // Loaded only with --dashboard: the WebSocket server is not needed otherwise.
  const [{ DashboardServer }, { ensureRendererBuilt }] = await Promise.all([
    import('../server/dashboard-server'),
    import('../server/renderer-build'),
  ]);
  const rendererDir = await ensureRendererBuilt(out);
  const server = new DashboardServer({ app, host, port, rendererDir });
  const url = new URL(await server.listen());
  // The dashboard opens in the language asked for here; otherwise the browser's.
  const language = askedLanguage();
  if (language) url.searchParams.set('lang', language);
  out(cli().t('cli:up.dashboard', { url: url.href }));
  return server;
}

/** Prints `listening on URL` once the first replica serves; fails if the lab errors first. */
function announceWhenReady(app: App, view: LabView, out: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (lab: LabView): boolean => {
      if (lab.state === 'error') {
        off();
        reject(new CliError(lab.error ?? 'the lab failed', 1, true));
        return true;
      }
      if (lab.backends.some((b) => b.state === 'up')) {
        off();
        out(cli().t('cli:up.listening', { url: lab.url }));
        resolve();
        return true;
      }
      return false;
    };
    const off = app.events.on('lab', (lab) => void check(lab));
    check(view);
  });
}
