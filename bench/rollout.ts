/**
 * A rolling update of 3 replicas under a steady 200 GET/s (issue 12, item 7): failed requests
 * and duration, in one run, for our lab (rebuild and roll out), Docker Swarm (`docker service
 * update`, stop-first and start-first) and docker-compose v1 behind the real nginx
 * (`docker-compose up -d` with a new tag), on the same engine with the same two images — the
 * sample backend as our lab builds it offline, v1 and v2 differing by one view (its answer names
 * the version). The same generator loads each: the repo's open loop, in its own process.
 * Optionally, ours' watch sync: a saved view answering on every replica.
 *
 *   npm run bench:rollout [-- --no-watch]
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { stringify } from 'yaml';
import type { LabView } from '../core/api/contract';
import { App } from '../core/app/app';
import { defaultImageTag, labFilter } from '../core/docker/labels';
import { nginxRecipe } from '../core/images/recipes';
import { SAMPLE_BACKEND } from '../core/lab/sample';
import { cleanupLab, labReplicas, testDocker } from '../tests/support/docker';
import { waitForView } from '../tests/support/lab-view';
import { ensureTestImages } from '../tests/support/offline-images';
import { freePort } from '../tests/support/target';
import { machine, writeSection } from './lib/report';
import { startLoad, type WindowFigures } from './lib/steady-load';

const { values } = parseArgs({ options: { 'no-watch': { type: 'boolean', default: false } } });

const RATE = 200;
const TIMEOUT_MS = 5000;
/** Steady load before the update starts, and after it ends (longer than the request timeout). */
const BEFORE_MS = 3000;
const AFTER_MS = 6000;
const REPLICAS = 3;
const LAB = 'benchroll';
const IMAGE = 'upstream-lab/bench-rollout';
const V1 = `${IMAGE}:v1`;
const V2 = `${IMAGE}:v2`;
const SERVICE = 'benchroll-swarm';
const SWARM_NET = 'benchroll-swarm-net';
const SWARM_NGINX = 'benchroll-swarm-nginx';
const COMPOSE_PROJECT = 'benchrollcompose';
const NGINX = nginxRecipe().tag;
const WATCH_TARGET_S = 2;

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const docker = testDocker();
const seconds = (ms: number): string => (ms / 1000).toFixed(1);

// --- cleanup, also when the process ends abnormally ----------------------------------------------

/** What is left to undo, synchronously: run by the exit handler if the finally blocks did not. */
const leftovers = new Map<string, () => void>();
const quietly = (args: string[]) => {
  try {
    execFileSync(args[0]!, args.slice(1), { stdio: 'ignore', timeout: 60_000 });
  } catch {
    // already gone
  }
};
process.on('exit', () => {
  for (const undo of [...leftovers.values()].reverse()) undo();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

// --- what answers --------------------------------------------------------------------------------

/** The `version` field of GET / on 127.0.0.1:port; undefined when it fails or answers 5xx. With node:http, see lab-up.ts. */
function versionAt(port: number): Promise<unknown> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/', timeout: 2000, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          resolve(
            (response.statusCode ?? 500) < 500
              ? (JSON.parse(body) as { version?: unknown }).version
              : undefined,
          );
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/** The versions 12 requests in a row were answered with (undefined: failed). */
async function versionsServed(port: number): Promise<unknown[]> {
  const seen = new Set<unknown>();
  for (let i = 0; i < 12; i++) seen.add(await versionAt(port));
  return [...seen];
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** Until every answer through `port` is `version`. */
const servesOnly = (port: number, version: number, timeoutMs = 120_000) =>
  until(
    `127.0.0.1:${port} answering version ${version} only`,
    async () => {
      const seen = await versionsServed(port);
      return seen.length === 1 && seen[0] === version ? true : undefined;
    },
    timeoutMs,
  );

// --- one measurement -----------------------------------------------------------------------------

interface Row {
  system: string;
  mode: string;
  during: WindowFigures;
  before: WindowFigures;
  after: WindowFigures;
  durationMs: number;
  /** Epoch ms the update began. */
  startedAt: number;
  buildMs: number | null;
  servedAfter: unknown[];
  /** Something the run saw that explains the figures. */
  note?: string;
}

/**
 * The load on `port` for BEFORE_MS, then `update` (its duration timed), then AFTER_MS more; the
 * figures of the three windows, and what answers afterwards.
 */
async function underLoad(
  port: number,
  update: () => Promise<{ buildMs?: number } | void>,
): Promise<Omit<Row, 'system' | 'mode'>> {
  const load = await startLoad(`http://127.0.0.1:${port}/`, RATE, TIMEOUT_MS);
  const measure = async () => {
    await sleep(BEFORE_MS);
    const start = Date.now();
    const buildMs = (await update())?.buildMs ?? null;
    const end = Date.now();
    await sleep(AFTER_MS);
    return { start, end, buildMs };
  };
  const { start, end, buildMs } = await measure().finally(() => load.stop());
  const bySecond = new Map<number, number>();
  for (const sample of load.samples) {
    const failed = Object.entries(sample.statuses).reduce(
      (n, [code, k]) => n + (Number(code) >= 500 ? k : 0),
      0,
    );
    const errors = Object.values(sample.errors).reduce((n, k) => n + k, 0);
    const second = Math.floor((sample.t - start) / 1000);
    if (failed + errors) bySecond.set(second, (bySecond.get(second) ?? 0) + failed + errors);
  }
  console.log(
    `  ${seconds(end - start)} s; failures by second from the start: ${[...bySecond].map(([t, n]) => `${t >= 0 ? '+' : ''}${t}: ${n}`).join(', ') || 'none'}`,
  );
  return {
    before: load.between(0, start),
    during: load.between(start, end),
    after: load.between(end, Infinity),
    durationMs: end - start,
    startedAt: start,
    buildMs,
    servedAfter: await versionsServed(port),
  };
}

/** The sample backend, its view answering `version`. */
async function setVersion(project: string, version: number): Promise<void> {
  const views = join(project, 'backend', 'views.py');
  const text = await readFile(views, 'utf8');
  const next = /'version': \d+,/.test(text)
    ? text.replace(/'version': \d+,/, `'version': ${version},`)
    : text.replace("'backend': REPLICA_NAME,", `'backend': REPLICA_NAME,\n        'version': ${version},`);
  if (next === text) throw new Error(`could not set the version in ${views}`);
  await writeFile(views, next);
}

// --- ours ----------------------------------------------------------------------------------------

function labApp(project: string, port: number, env: Record<string, string>): App {
  return new App({
    settings: {
      runtime: 'docker',
      lab: LAB,
      project,
      env,
      replicas: REPLICAS,
      listen: `127.0.0.1:${port}`,
      offline: true,
    },
    stateDir: null,
  });
}

async function startLab(app: App): Promise<LabView> {
  await app.call('lab.start', {});
  return waitForView(
    app,
    (v) =>
      v.state === 'error' ||
      (v.state === 'running' && v.backends.filter((b) => b.state === 'up').length === REPLICAS),
    240_000,
  );
}

/** One image id for every replica of the lab, tagged `tag` for the other systems. */
async function tagLabImage(tag: string): Promise<string> {
  const ids = new Set((await labReplicas(LAB)).map((c) => c.image));
  if (ids.size !== 1) throw new Error(`the lab's replicas run ${ids.size} images, expected one`);
  const [id] = [...ids] as [string];
  const [repo, version] = tag.split(':') as [string, string];
  await docker.getImage(id).tag({ repo, tag: version });
  return id;
}

/**
 * The lab with v1 (built from the sample, offline), then "Rebuild and roll out" after the view
 * changed to v2, as tests/docker/rollout.test.ts does: timed from the command to the lab running
 * again, the build included. Both images are tagged for Swarm and compose.
 */
async function ours(project: string): Promise<Row> {
  const port = await freePort();
  const app = labApp(project, port, {});
  const logs: Array<{ time: number; source: string; text: string }> = [];
  app.events.on('logs', (lines) =>
    logs.push(...lines.map((l) => ({ time: l.time, source: l.source, text: l.text }))),
  );
  try {
    await setVersion(project, 1);
    const view = await startLab(app);
    if (view.state !== 'running') throw new Error(`the lab did not start: ${view.error ?? view.state}`);
    await servesOnly(port, 1);
    await tagLabImage(V1);
    await setVersion(project, 2);
    const result = await underLoad(port, async () => {
      const from = Date.now();
      if (!(await app.call('lab.rollout', {})).ok) throw new Error('lab.rollout refused');
      await waitForView(app, (v) => v.state === 'running', 240_000);
      const replacing = logs.find(
        (l) => l.time >= from && l.text.startsWith('rollout: each replica in turn'),
      );
      if (!logs.some((l) => l.time >= from && l.text.startsWith('rollout: done')))
        throw new Error(
          `the rollout did not finish:\n${logs
            .filter((l) => l.text.startsWith('rollout'))
            .map((l) => l.text)
            .join('\n')}`,
        );
      for (const l of logs.filter((l) => l.time >= from && ['lab', 'build'].includes(l.source)))
        console.log(`  +${seconds(l.time - from)} s ${l.source}: ${l.text}`);
      return replacing ? { buildMs: replacing.time - from } : {};
    });
    await tagLabImage(V2);
    return { system: 'ours (upstream-lab)', mode: 'rebuild and roll out (start-first, drained)', ...result };
  } finally {
    await app.close();
  }
}

interface WatchFigures {
  /** From the save to the lab's `watch: ... serving the change` line. */
  logMs: number;
  /** From the save until each replica, asked on its own port, answered the new view. */
  replicasMs: number;
  load: WindowFigures;
}

/** `up --watch`'s sync: a saved view until every replica answers it, under the same load. */
async function oursWatch(project: string): Promise<WatchFigures> {
  const port = await freePort();
  // Django's runserver reloads a changed file only with its autoreloader (the sample turns it off unless asked).
  const app = labApp(project, port, { DJANGO_AUTORELOAD: '1' });
  const logs: Array<{ time: number; source: string; text: string }> = [];
  app.events.on('logs', (lines) =>
    logs.push(...lines.map((l) => ({ time: l.time, source: l.source, text: l.text }))),
  );
  try {
    const view = await startLab(app);
    if (view.state !== 'running') throw new Error(`the lab did not start: ${view.error ?? view.state}`);
    await servesOnly(port, 2);
    const ports = await replicaPorts();
    if (!(await app.call('lab.watch', { enabled: true })).ok) throw new Error('lab.watch refused');
    let logMs = 0;
    let replicasMs = 0;
    let saved = 0;
    const result = await underLoad(port, async () => {
      saved = Date.now();
      await setVersion(project, 3);
      const pending = new Set(ports);
      await until(
        'every replica answering the saved view',
        async () => {
          for (const p of pending) if ((await versionAt(p)) === 3) pending.delete(p);
          if (pending.size === 0 && !replicasMs) replicasMs = Date.now() - saved;
          const line = logs.find((l) => l.time >= saved && /^watch: .* serving the change/.test(l.text));
          if (line) logMs = line.time - saved;
          return replicasMs && logMs ? true : undefined;
        },
        60_000,
      );
    });
    for (const l of logs.filter((l) => l.time >= saved && l.source === 'lab'))
      console.log(`  +${seconds(l.time - saved)} s ${l.text}`);
    await app.call('lab.watch', { enabled: false });
    return { logMs, replicasMs, load: result.during };
  } finally {
    await app.close();
  }
}

/** The loopback ports the lab's replicas publish 8000 on. */
async function replicaPorts(): Promise<number[]> {
  const list = await docker.listContainers({
    filters: { label: [labFilter(LAB), 'upstream-lab.role=backend'] },
  });
  const ports = list.flatMap((c) =>
    c.Ports.filter((p) => p.PrivatePort === 8000 && p.PublicPort).map((p) => p.PublicPort),
  );
  if (ports.length !== REPLICAS) throw new Error(`found ${ports.length} replica ports, expected ${REPLICAS}`);
  return ports;
}

// --- Docker Swarm --------------------------------------------------------------------------------

/** Set when this run made the engine a swarm manager; only then does it leave. */
let swarmMode: 'mesh' | 'dnsrr' | null = null;

const HEALTH = [
  '--health-cmd',
  `python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"`,
  '--health-interval',
  '1s',
  '--health-timeout',
  '2s',
  '--health-retries',
  '3',
];

/** nginx in front of the swarm's tasks, found through its DNS (`tasks.NAME`), as without the routing mesh one does. */
const swarmNginxConf = `events {}
http {
    access_log off;
    server {
        listen 80;
        resolver 127.0.0.11 valid=1s ipv6=off;
        location / {
            set $tasks tasks.${SERVICE};
            proxy_pass http://$tasks:8000;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }
    }
}
`;

async function swarmRunning(): Promise<true | undefined> {
  const tasks = await docker.listTasks({ filters: { service: [SERVICE], 'desired-state': ['running'] } });
  return tasks.length === REPLICAS && tasks.every((t) => t.Status?.State === 'running') ? true : undefined;
}

/** `docker service update ARGS` until its UpdateStatus is `completed` (any other end throws). */
async function serviceUpdate(args: string[]): Promise<void> {
  const from = Date.now();
  await run('docker', ['service', 'update', '--detach', '--no-resolve-image', ...args, SERVICE]);
  await until(
    `docker service update ${args.join(' ')}`,
    async () => {
      const status = (await docker.getService(SERVICE).inspect()).UpdateStatus as
        { State?: string; StartedAt?: string; Message?: string } | undefined;
      if (!status?.StartedAt || Date.parse(status.StartedAt) < from - 1000) return undefined;
      if (status.State === 'completed') return true;
      if (status.State && status.State !== 'updating')
        throw new Error(`the update ended ${status.State}: ${status.Message ?? ''}`);
      return undefined;
    },
    180_000,
  );
}

async function swarm(work: string, networksBefore: Set<string>): Promise<Row[] | string> {
  const state = (await docker.info()).Swarm?.LocalNodeState as string | undefined;
  if (state !== 'inactive')
    return `the engine is already in swarm mode (${state}): left as it is, not measured`;
  leftovers.set('swarm', () => {
    quietly(['docker', 'rm', '-f', SWARM_NGINX]);
    quietly(['docker', 'swarm', 'leave', '--force']);
    for (const net of ['docker_gwbridge'])
      if (!networksBefore.has(net)) quietly(['docker', 'network', 'rm', net]);
  });
  await run('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  // The routing mesh and service VIPs are IPVS: without it in the kernel, a published port never answers.
  swarmMode = existsSync('/proc/net/ip_vs') ? 'mesh' : 'dnsrr';
  const port = await freePort();
  try {
    const create = [
      'service',
      'create',
      '--detach',
      '--no-resolve-image',
      '--name',
      SERVICE,
      '--replicas',
      String(REPLICAS),
      ...HEALTH,
    ];
    if (swarmMode === 'mesh') {
      await run('docker', [...create, '--publish', `published=${port},target=8000`, V1]);
    } else {
      await run('docker', ['network', 'create', '--driver', 'overlay', '--attachable', SWARM_NET]);
      await run('docker', [...create, '--network', SWARM_NET, '--endpoint-mode', 'dnsrr', V1]);
      await writeFile(join(work, 'swarm-nginx.conf'), swarmNginxConf);
      await run('docker', [
        'run',
        '--detach',
        '--name',
        SWARM_NGINX,
        '--network',
        SWARM_NET,
        '--publish',
        `127.0.0.1:${port}:80`,
        '--volume',
        `${join(work, 'swarm-nginx.conf')}:/etc/nginx/nginx.conf:ro`,
        NGINX,
      ]);
    }
    await until('3 swarm tasks running', swarmRunning, 120_000);
    await servesOnly(port, 1);
    const system =
      swarmMode === 'mesh'
        ? 'Docker Swarm (routing mesh)'
        : 'Docker Swarm (dnsrr, behind nginx 1.22 re-resolving `tasks.` every 1 s)';
    const rows: Row[] = [];
    rows.push({
      system,
      mode: '`service update --image`, defaults (stop-first, parallelism 1)',
      ...(await underLoad(port, () => serviceUpdate(['--image', V2]))),
    });
    // Back to v1, unmeasured, then the same update start-first.
    await serviceUpdate(['--image', V1]);
    await until('3 swarm tasks running', swarmRunning, 120_000);
    await servesOnly(port, 1);
    rows.push({
      system,
      mode: '`service update --image --update-order start-first`',
      ...(await underLoad(port, () => serviceUpdate(['--image', V2, '--update-order', 'start-first']))),
    });
    return rows;
  } finally {
    await run('docker', ['rm', '-f', SWARM_NGINX]).catch(() => undefined);
    await run('docker', ['service', 'rm', SERVICE]).catch(() => undefined);
    // Swarm removes the tasks' containers in the background; the network goes once they are gone.
    await until(
      'the swarm tasks removed',
      async () =>
        (
          await docker.listContainers({
            all: true,
            filters: { label: [`com.docker.swarm.service.name=${SERVICE}`] },
          })
        ).length === 0
          ? true
          : undefined,
      60_000,
    ).catch(() => undefined);
    await run('docker', ['network', 'rm', SWARM_NET]).catch(() => undefined);
    await run('docker', ['swarm', 'leave', '--force']);
    if (!networksBefore.has('docker_gwbridge'))
      await run('docker', ['network', 'rm', 'docker_gwbridge']).catch(() => undefined);
    leftovers.delete('swarm');
  }
}

// --- docker-compose ------------------------------------------------------------------------------

const composeNginxConf = `events {}
http {
    access_log off;
    upstream backend_pool {
${Array.from({ length: REPLICAS }, (_, i) => `        server backend${i + 1}:8000 max_fails=3 fail_timeout=30s;`).join('\n')}
    }
    server {
        listen 80;
        location / {
            proxy_pass http://backend_pool;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }
    }
}
`;

/** backend1..3 of `image` (each also on a loopback port, to see when it answers), the real nginx in front. */
function composeFile(work: string, image: string, port: number): string {
  const backends = Array.from({ length: REPLICAS }, (_, i) => `backend${i + 1}`);
  const services: Record<string, unknown> = {
    ...Object.fromEntries(backends.map((name) => [name, { image, ports: ['127.0.0.1::8000'] }])),
    nginx: {
      image: NGINX,
      ports: [`127.0.0.1:${port}:80`],
      volumes: [`${join(work, 'compose-nginx.conf')}:/etc/nginx/nginx.conf:ro`],
      depends_on: backends,
    },
  };
  // Quoted strings: docker-compose v1 reads YAML 1.1, where `8080:80` can be a number.
  return stringify({ services }, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}

const compose = (work: string, args: string[]) =>
  run('docker-compose', ['-f', join(work, 'compose.yaml'), '-p', COMPOSE_PROJECT, ...args], { cwd: work });

/** Every backend of the compose project answering `version` on its own port. */
async function composeBackendsAnswer(version: number): Promise<true | undefined> {
  const list = await docker.listContainers({
    filters: { label: [`com.docker.compose.project=${COMPOSE_PROJECT}`] },
  });
  const ports = list
    .filter((c) => /^backend\d+$/.test(c.Labels['com.docker.compose.service'] ?? ''))
    .map((c) => c.Ports.find((p) => p.PrivatePort === 8000 && p.PublicPort)?.PublicPort);
  if (ports.length !== REPLICAS || ports.some((p) => p === undefined)) return undefined;
  const answers = await Promise.all(ports.map((p) => versionAt(p!)));
  return answers.every((v) => v === version) ? true : undefined;
}

/** The compose project's nginx container and each backend's address on the project network. */
async function composeState(): Promise<{ nginx: string; addresses: Map<string, string> }> {
  const list = await docker.listContainers({
    filters: { label: [`com.docker.compose.project=${COMPOSE_PROJECT}`] },
  });
  const addresses = new Map<string, string>();
  let nginx = '';
  for (const c of list) {
    const service = c.Labels['com.docker.compose.service'] ?? '';
    if (service === 'nginx') nginx = c.Id;
    const address = Object.values(c.NetworkSettings?.Networks ?? {})[0]?.IPAddress;
    if (service !== 'nginx' && address) addresses.set(service, address);
  }
  return { nginx, addresses };
}

/**
 * The update as the brief has it (a new tag, `up -d`), then the same followed by what it takes
 * for nginx to see the new containers (`nginx -s reload`: the upstream's names resolved again).
 */
async function composeRows(work: string): Promise<Row[]> {
  const port = await freePort();
  await writeFile(join(work, 'compose-nginx.conf'), composeNginxConf);
  leftovers.set('compose', () =>
    quietly([
      'docker-compose',
      '-f',
      join(work, 'compose.yaml'),
      '-p',
      COMPOSE_PROJECT,
      'down',
      '--timeout',
      '5',
    ]),
  );
  const system = 'docker-compose v1 + nginx 1.22';
  const upTo = async (version: 1 | 2, reload: boolean) => {
    const from = Date.now();
    const step = (what: string) => console.log(`  +${seconds(Date.now() - from)} s ${what}`);
    await writeFile(join(work, 'compose.yaml'), composeFile(work, version === 1 ? V1 : V2, port));
    await compose(work, ['up', '-d']);
    step(`docker-compose up -d (v${version}) returned`);
    await until(`the compose backends answering v${version}`, () => composeBackendsAnswer(version), 120_000);
    step(`every backend answers v${version}`);
    if (reload) {
      await compose(work, ['exec', '-T', 'nginx', 'nginx', '-s', 'reload']);
      step('nginx -s reload returned');
    }
  };
  try {
    await upTo(1, false);
    await servesOnly(port, 1);
    const before = await composeState();
    const plain = await underLoad(port, () => upTo(2, false));
    const after = await composeState();
    const moved = [...before.addresses].filter(([name, address]) => after.addresses.get(name) !== address);
    // How long nginx goes on refusing, and what its error log says of it.
    const recovered = await servesOnly(port, 2, 60_000).then(
      () =>
        `every answer through nginx v2 again ${seconds(Date.now() - plain.startedAt)} s after the update began`,
      () => `nginx still failing ${seconds(Date.now() - plain.startedAt)} s after the update began`,
    );
    const { stderr } = await run('docker', [
      'logs',
      '--since',
      new Date(plain.startedAt).toISOString(),
      '--until',
      new Date(plain.startedAt + plain.durationMs + AFTER_MS).toISOString(),
      after.nginx,
    ]);
    // `... [error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream, ...`
    const errors = new Map<string, number>();
    for (const match of stderr.matchAll(/\[(?:error|warn)\] \d+#\d+: \*\d+ (.+?)(?: while |, client:)/g))
      errors.set(match[1]!, (errors.get(match[1]!) ?? 0) + 1);
    const noLive = errors.get('no live upstreams') ?? 0;
    const rows: Row[] = [
      {
        system,
        mode: 'new image tag, `docker-compose up -d` (recreate)',
        ...plain,
        note:
          `${recovered}; nginx's error log during the load: ` +
          ([...errors]
            .sort((a, b) => b[1] - a[1])
            .map(([what, n]) => `\`${what}\` ×${n}`)
            .join(', ') || 'nothing') +
          (noLive
            ? ' (every server failed while recreated: `max_fails=3 fail_timeout=30s` takes them all out for 30 s)'
            : '') +
          `; nginx container ${before.nginx === after.nginx ? 'not recreated' : 'recreated'}, ` +
          `backends with a new address: ${moved.length} of ${before.addresses.size}` +
          (moved.length
            ? ` (${moved.map(([name, a]) => `${name} ${a} → ${after.addresses.get(name)}`).join(', ')})`
            : ''),
      },
    ];
    // Back to v1 (unmeasured), nginx reloaded so that it answers again.
    await upTo(1, true);
    await servesOnly(port, 1);
    rows.push({
      system,
      mode: 'the same, then `docker-compose exec nginx nginx -s reload`',
      ...(await underLoad(port, () => upTo(2, true))),
    });
    return rows;
  } finally {
    await compose(work, ['down', '--timeout', '10']).catch(() => undefined);
    leftovers.delete('compose');
  }
}

// --- main ----------------------------------------------------------------------------------------

const failedOf = (w: WindowFigures) => `${w.failed} / ${w.completed}`;
const kindsOf = (w: WindowFigures) =>
  Object.entries(w.kinds)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ×${n}`)
    .join(', ');

async function main(): Promise<void> {
  const began = Date.now();
  await ensureTestImages();
  const loadBefore = loadavg()[0]!;
  const networksBefore = new Set((await docker.listNetworks()).map((n) => n.Name));
  const work = await mkdtemp(join(tmpdir(), 'upstream-lab-bench-rollout-'));
  const project = join(work, 'project');
  await cp(SAMPLE_BACKEND, project, { recursive: true });
  // This run's own sources: the builds cannot come from an earlier run's cache, as an edit would not.
  await appendFile(
    join(project, 'backend', 'views.py'),
    `\n# upstream-lab bench:rollout, run ${randomBytes(4).toString('hex')}\n`,
  );
  const rows: Row[] = [];
  let swarmNote = '';
  let watch: WatchFigures | string;
  leftovers.set('lab', () => {
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${labFilter(LAB)}`], {
      encoding: 'utf8',
    })
      .split(/\s+/)
      .filter(Boolean);
    if (ids.length) quietly(['docker', 'rm', '-f', ...ids]);
    quietly(['docker', 'rmi', defaultImageTag(LAB), V1, V2]);
  });
  try {
    await cleanupLab(LAB, [defaultImageTag(LAB)]);
    console.log('ours: the lab (v1), then rebuild and roll out to v2 under load');
    rows.push(await ours(project));
    console.log(`  ${seconds(rows[0]!.durationMs)} s, failed ${failedOf(rows[0]!.during)}`);
    if (values['no-watch']) watch = 'not measured (--no-watch)';
    else {
      console.log('ours: watch sync of a saved view under load');
      watch = await oursWatch(project).catch((error: Error) => `failed: ${error.message}`);
    }
    await cleanupLab(LAB, [defaultImageTag(LAB)]);
    console.log('Docker Swarm: service update v1 → v2, stop-first then start-first');
    const swarmRows = await swarm(work, networksBefore);
    if (typeof swarmRows === 'string') swarmNote = swarmRows;
    else rows.push(...swarmRows);
    console.log('docker-compose: new tag, up -d');
    rows.push(...(await composeRows(work)));
  } finally {
    await cleanupLab(LAB, [defaultImageTag(LAB), V1, V2]);
    await rm(work, { recursive: true, force: true });
    leftovers.delete('lab');
  }

  const tookS = Math.round((Date.now() - began) / 1000);
  const load = `${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`;
  const oursRow = rows[0]!;
  const pass = oursRow.during.failed === 0 && oursRow.after.failed === 0 && oursRow.before.failed === 0;
  const table = rows.map(
    (r) =>
      `| ${r.system} | ${r.mode} | ${failedOf(r.during)} | ${seconds(r.durationMs)} | ${r.buildMs === null ? '–' : seconds(r.buildMs)} | ${r.after.failed} | ${r.before.failed} | ${r.servedAfter.map((v) => v ?? 'failed').join(', ')} |`,
  );
  const kinds = rows
    .filter((r) => r.during.failed + r.after.failed > 0 || r.note)
    .map((r) => {
      const what = [kindsOf({ ...r.during, kinds: mergeKinds(r.during, r.after) }), r.note];
      return `- ${r.system}, ${r.mode}: ${what.filter(Boolean).join('; ')}`;
    });
  const dropped = rows.reduce((sum, r) => sum + r.during.dropped + r.after.dropped + r.before.dropped, 0);
  const watchText =
    typeof watch === 'string'
      ? `Watch sync: ${watch}.`
      : `Watch sync (\`up --watch\`, runserver's autoreloader on): from saving \`backend/views.py\` to every replica answering the new view, asked on its own port: **${seconds(watch.replicasMs)} s**; to the lab's \`watch: backend1, backend2, backend3 serving the change\` line: ${seconds(watch.logMs)} s (target ≤ ${WATCH_TARGET_S} s: ${watch.replicasMs <= WATCH_TARGET_S * 1000 ? 'met' : '**not met**'}); failed under the same load meanwhile: ${failedOf(watch.load)}.`;
  const swarmMethod =
    swarmMode === 'dnsrr'
      ? `The routing mesh could not run here: the kernel has no IPVS (\`/proc/net/ip_vs\` missing; dockerd logs \`Failed add IP alias ... LB endpoint\`), and a port published through it never answers. So the service runs with \`--endpoint-mode dnsrr\` on an overlay network, behind the same nginx 1.22 container (\`resolver 127.0.0.11 valid=1s\`, \`proxy_pass http://$tasks:8000\` with \`tasks.${SERVICE}\`: every address the swarm's DNS gives, round robin, the next one tried on a connection error), published on 127.0.0.1.`
      : swarmMode === 'mesh'
        ? 'The service publishes its port through the routing mesh (ingress), loaded on 127.0.0.1.'
        : swarmNote;
  const markdown = `## Rolling update under load: ours vs Docker Swarm vs docker-compose

Run ${new Date().toISOString().slice(0, 10)} on ${machine()} (1-minute load average ${load}), Docker ${(await docker.version()).Version}, docker-compose ${(await run('docker-compose', ['version', '--short'])).stdout.trim()}; the whole bench took ${tookS} s.

Method: 3 replicas of the sample backend (resources/sample-backend, Django's runserver), v1 then v2: the
same two images for every system — built by our lab offline from the project, v2 after one file changed
(\`backend/views.py\`: the \`version\` its answer names), tagged \`${IMAGE}:v1\`/\`:v2\`. A steady ${RATE} GET/s
(the repo's open-loop generator, \`core/traffic\` as \`upstream-lab load --rate ${RATE}\` runs it, in its own process,
${TIMEOUT_MS / 1000} s request timeout) to 127.0.0.1, from ${BEFORE_MS / 1000} s before the update until ${AFTER_MS / 1000} s after it.
**Modes**: every nginx here runs with \`access_log off\`; ours runs in-process with its access log on, kept in the lab log (memory), not printed.
A request failed when it got an error or a 5xx. **Duration**: from the update's start to its end, as each system
defines it. **Ours:** the lab's \`lab.rollout\` command (what "Rebuild and roll out" and \`up --watch\` send, as
tests/docker/rollout.test.ts does) until the lab runs again: the build while the replicas serve, then each replica
replaced start-first and the old one drained. **Swarm:** \`docker service update --image v2\` (\`--health-cmd\` a
Python urllib GET of /health every 1 s) until its UpdateStatus is \`completed\`; default update config, then,
after going back to v1, \`--update-order start-first\`. ${swarmMethod} **Compose:** backend1..3 behind the real
nginx container (\`upstream backend_pool { server backendN:8000 max_fails=3 fail_timeout=30s; ... }\`), the image
tag changed in the compose file and \`docker-compose up -d\`, until it returns and every backend answers v2 on its
own port; a second row adds what nginx needs to see the new containers, \`nginx -s reload\` (timed too). Failures are counted by completion, in 100 ms samples.

| system | update mode | failed / total during the update | duration s | of which build s | failed in the ${AFTER_MS / 1000} s after | failed in the ${BEFORE_MS / 1000} s before | versions answering after |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
${table.join('\n')}

${kinds.length ? `What failed (during and after), and what the run saw:\n\n${kinds.join('\n')}\n\n` : ''}Requests the generator could not send (in-flight limit): ${dropped}.

Target: ours **0 failed**: ${pass ? 'met' : '**not met**'}.

${watchText}
`;
  await writeSection('rollout', markdown);
  console.log(markdown);
  if (!pass) process.exitCode = 1;
}

function mergeKinds(a: WindowFigures, b: WindowFigures): Record<string, number> {
  const out = { ...a.kinds };
  for (const [k, n] of Object.entries(b.kinds)) out[k] = (out[k] ?? 0) + n;
  return out;
}

await main();
