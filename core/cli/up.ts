import { resolve } from 'node:path';
import type { Command } from 'commander';
import type Docker from 'dockerode';
import type { ListenConfig, ProxyConfig } from '../balancer/config';
import { createLab, imageExists, OFFLINE_BASE_IMAGE, type Lab } from '../docker';
import { BalancedLab } from '../lab/balanced-lab';
import { defaultLabConfig, parseListen } from '../lab/default-config';
import { replicaName } from '../lab/replica-peers';
import { loadNginxConfig } from '../nginx';
import { accessLogLine } from './access-log';
import { connectOrExplain } from './engine';
import { CliError } from './errors';
import { labOption, positiveInt } from './lab-options';
import { untilSignal } from './signals';

export const SAMPLE_BACKEND = resolve(import.meta.dirname, '../../resources/sample-backend');
const DEFAULT_LISTEN = '127.0.0.1:8080';
const DEFAULT_REPLICAS = 3;

interface UpOptions {
  project: string;
  replicas?: number;
  listen?: string;
  lab: string;
  baseImage?: string;
  registryMirror?: string;
  pipIndex?: string;
  offline?: boolean;
  config?: string;
  quiet?: boolean;
}

export function registerUp(program: Command): void {
  labOption(
    program
      .command('up')
      .description('build the project, run its replicas in Docker and balance them, in the foreground')
      .option('--project <dir>', 'Django project folder with a Dockerfile', SAMPLE_BACKEND)
      .option('--replicas <n>', `number of replicas (default ${DEFAULT_REPLICAS})`, positiveInt('--replicas'))
      .option('--listen <host:port>', `where the balancer listens (default ${DEFAULT_LISTEN})`)
      .option('--base-image <image>', 'BASE_IMAGE build argument (default python:3.13, or the offline image)')
      .option(
        '--registry-mirror <host>',
        'pull Docker Hub images through this mirror, e.g. docker.arvancloud.ir',
      )
      .option('--pip-index <url>', 'PyPI index, e.g. https://mirror-pypi.runflare.com/simple')
      .option('--offline', `build from ${OFFLINE_BASE_IMAGE} without any network`)
      .option('--config <nginx.conf>', 'balance with this nginx.conf (its backendN servers are the replicas)')
      .option('--quiet', 'no access log'),
  ).action((options: UpOptions) => up(options));
}

async function up(options: UpOptions): Promise<void> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const engine = await connectOrExplain();
  const info = engine.info;
  if (info)
    out(
      `engine: ${info.podman ? 'Podman' : 'Docker'} ${info.version} at ${engine.endpoint.url} (${engine.endpoint.source})`,
    );
  const listenOverride = options.listen ? parseListen(options.listen) : undefined;
  const fileConfig = options.config ? await loadLabConfig(options.config, listenOverride) : undefined;
  const replicas = options.replicas ?? countReplicas(fileConfig) ?? DEFAULT_REPLICAS;
  const config = fileConfig ?? defaultLabConfig(replicas, listenOverride ?? parseListen(DEFAULT_LISTEN));
  const offline = options.offline ?? (await offlineByDefault(options, engine.docker));
  if (offline && !options.offline) out(`build: offline, from the local ${OFFLINE_BASE_IMAGE}`);

  const lab = createLab({
    lab: options.lab,
    project: resolve(options.project),
    replicas,
    docker: engine.docker,
    ...(options.baseImage ? { baseImage: options.baseImage } : {}),
    ...(options.registryMirror ? { registryMirror: options.registryMirror } : {}),
    ...(options.pipIndex ? { pipIndex: options.pipIndex } : {}),
    offline,
  });
  const balanced = new BalancedLab({ runtime: lab, config });
  let addresses;
  try {
    addresses = await balanced.listen();
  } catch (error) {
    lab.close();
    engine.close();
    throw new CliError((error as Error).message);
  }
  reportProgress(lab, out);
  if (!options.quiet) balanced.balancer.subscribe((batch) => batch.forEach((r) => out(accessLogLine(r))));
  const firstReady = lab.events.waitFor('replica:ready', () => true, 24 * 3600_000);
  void firstReady.then(() =>
    addresses.forEach(({ host, port }) => out(`listening on http://${urlHost(host)}:${port}`)),
  );

  const stopped = untilSignal();
  try {
    await Promise.race([startLab(lab), stopped]);
  } catch (error) {
    await balanced.down();
    engine.close();
    throw new CliError((error as Error).message);
  }
  await stopped;
  out("stopping: removing the lab's containers");
  await balanced.down();
  engine.close();
}

async function startLab(lab: Lab): Promise<void> {
  await lab.build();
  await lab.up();
}

function reportProgress(lab: Lab, out: (line: string) => void): void {
  const { events } = lab;
  events.on('build:step', ({ index, total, instruction }) =>
    out(`build: step ${index}/${total} ${instruction}`),
  );
  events.on('build:done', ({ tag, steps, cachedSteps, durationMs }) =>
    out(`build: ${tag} in ${(durationMs / 1000).toFixed(1)} s (${cachedSteps} of ${steps} steps cached)`),
  );
  events.on('replica:created', ({ name, container }) => out(`${name}: created ${container}`));
  events.on('replica:adopted', ({ name, container }) => out(`${name}: adopted running ${container}`));
  events.on('replica:ready', ({ name, host, port }) => out(`${name}: ready at ${host}:${port}`));
  events.on('replica:down', ({ name, reason, exitCode }) =>
    out(`${name}: down (${reason}${exitCode !== undefined ? `, exit code ${exitCode}` : ''})`),
  );
  events.on('replica:removed', ({ name }) => out(`${name}: removed`));
  events.on('warning', ({ message }) => out(`warning: ${message}`));
}

/** The config's listen is kept unless --listen was given; warnings go to stderr. */
async function loadLabConfig(path: string, listen: ListenConfig | undefined): Promise<ProxyConfig> {
  let result;
  try {
    result = await loadNginxConfig(path);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  for (const w of result.warnings)
    process.stderr.write(`warning: ${w.file}:${w.line}:${w.col}: ${w.message}\n`);
  if (listen) for (const server of result.config.servers) server.listen = [listen];
  return result.config;
}

function countReplicas(config: ProxyConfig | undefined): number | undefined {
  const names = config?.upstreams.flatMap((u) => u.servers).filter((s) => replicaName(s.address));
  return names && names.length > 0 ? names.length : undefined;
}

/** With no mirror or base image chosen, use the offline image when the engine already has it. */
async function offlineByDefault(options: UpOptions, docker: Docker): Promise<boolean> {
  if (options.baseImage || options.registryMirror || options.pipIndex) return false;
  return imageExists(docker, OFFLINE_BASE_IMAGE);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
