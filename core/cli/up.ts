import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { LabSettings, LabView } from '../api/contract';
import { App } from '../app/app';
import { OFFLINE_BASE_IMAGE } from '../docker';
import type { DashboardServer } from '../server/dashboard-server';
import { parseListen } from '../lab/default-config';
import { CliError } from './errors';
import { labOption, positiveInt } from './lab-options';
import { untilSignal } from './signals';

interface UpOptions {
  project?: string;
  replicas?: number;
  listen: string;
  lab: string;
  runtime: LabSettings['runtime'];
  baseImage?: string;
  registryMirror?: string;
  pipIndex?: string;
  offline?: boolean;
  config?: string;
  dashboard?: string;
  quiet?: boolean;
}

export function registerUp(program: Command): void {
  labOption(
    program
      .command('up')
      .description(
        'build the project, run its replicas and balance them, in the foreground; Ctrl-C removes them',
      )
      .option('--project <dir>', 'Django project folder with a Dockerfile (default: the sample backend)')
      .option(
        '--replicas <n>',
        'number of replicas (default 3, or the backendN servers of --config)',
        positiveInt('--replicas'),
      )
      .option(
        '--listen <host:port>',
        "where the balancer listens (overrides the config's listen)",
        '127.0.0.1:8080',
      )
      .addOption(
        new Option('--runtime <kind>', 'docker, or demo: built-in backends')
          .choices(['docker', 'demo'])
          .default('docker'),
      )
      .option(
        '--base-image <image>',
        `BASE_IMAGE build argument (default python:3.13, or ${OFFLINE_BASE_IMAGE} when present)`,
      )
      .option(
        '--registry-mirror <host>',
        'pull Docker Hub images through this mirror, e.g. docker.arvancloud.ir',
      )
      .option('--pip-index <url>', 'PyPI index, e.g. https://mirror-pypi.runflare.com/simple')
      .option('--offline', `build from ${OFFLINE_BASE_IMAGE} without any network`)
      .option('--config <nginx.conf>', 'balance with this nginx.conf: its backendN servers are the replicas')
      .option('--dashboard <host:port>', 'also serve the dashboard here (loopback), with a token')
      .option('--quiet', 'no access log'),
  ).action((options: UpOptions) => up(options));
}

async function up(options: UpOptions): Promise<void> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  parseListen(options.listen);
  const app = new App({
    settings: {
      lab: options.lab,
      runtime: options.runtime,
      listen: options.listen,
      ...(options.project ? { project: resolve(options.project) } : {}),
      ...(options.replicas ? { replicas: options.replicas } : {}),
      ...(options.baseImage ? { baseImage: options.baseImage } : {}),
      ...(options.registryMirror ? { registryMirror: options.registryMirror } : {}),
      ...(options.pipIndex ? { pipIndex: options.pipIndex } : {}),
      ...(options.offline ? { offline: true } : {}),
    },
  });
  let dashboard: DashboardServer | null = null;
  // Ctrl-C at any point, even mid-build, removes what was started.
  const stopped = untilSignal();
  const shutdown = async (): Promise<void> => {
    await dashboard?.close();
    await app.close();
  };
  try {
    if (options.config) await importConfig(app, options.config, options.replicas);
    app.events.on('logs', (lines) => {
      for (const line of lines) {
        if (line.source === 'lab' || (line.source === 'access' && !options.quiet)) out(line.text);
      }
    });
    if (options.dashboard) dashboard = await serveDashboard(app, options.dashboard, out);
    const started = await app.call('lab.start', {});
    // Other labs an earlier run left behind are offered in the dashboard (adopt or remove).
    if (dashboard) void app.call('leftovers.scan', {}).catch(() => undefined);
    const ready =
      started.state === 'error'
        ? Promise.reject(new CliError(started.error ?? 'the lab did not start'))
        : announceWhenReady(app, started, out);
    await Promise.race([ready, stopped]).catch((error: Error) => {
      // With a dashboard, a lab that fails to start is fixed there (or switched to the demo backends).
      if (!dashboard) throw error;
      out(`error: ${error.message}`);
      out('the dashboard stays up: change the settings there, or press Ctrl-C to quit');
    });
  } catch (error) {
    await shutdown();
    throw error instanceof CliError ? error : new CliError((error as Error).message);
  }
  await stopped;
  out("stopping: removing the lab's replicas");
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
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (replicas) await app.call('lab.scale', { replicas });
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
  out(`dashboard: ${await server.listen()}`);
  return server;
}

/** Prints `listening on URL` once the first replica serves; fails if the lab errors first. */
function announceWhenReady(app: App, view: LabView, out: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (lab: LabView): boolean => {
      if (lab.state === 'error') {
        off();
        reject(new CliError(lab.error ?? 'the lab failed'));
        return true;
      }
      if (lab.backends.some((b) => b.state === 'up')) {
        off();
        out(`listening on ${lab.url}`);
        resolve();
        return true;
      }
      return false;
    };
    const off = app.events.on('lab', (lab) => void check(lab));
    check(view);
  });
}
