/**
 * The course's repository (tests/fixtures/projects/course-repo: the seed's Dockerfile, postgres,
 * three backends, nginx), from start to three replicas ready: `upstream-lab up --project`
 * against `docker-compose up -d` of the same project with its real nginx service, both offline
 * with the same substituted images (our build of the project, PostgreSQL and nginx from Debian
 * packages). Warm (images built) and cold (the project's image and its build cache removed),
 * runs alternating, median ratio per mode.
 *
 *   npm run bench:lab-up [-- --runs 5 --cold-runs 3]
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { stringify } from 'yaml';
import { labFilter } from '../core/docker/labels';
import { probeOnce } from '../core/lab/readiness';
import { nginxRecipe, postgresRecipe } from '../core/images/recipes';
import { prepareBuild } from '../core/prepare/prepare-build';
import { networkProbe } from '../core/prepare/network-probe';
import { readProject } from '../core/project/read-project';
import { cleanupLab, testDocker } from '../tests/support/docker';
import { ensureTestImages } from '../tests/support/offline-images';
import { freePort } from '../tests/support/target';
import { machine, median, writeSection } from './lib/report';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'cold-runs': { type: 'string', default: '3' } },
  allowPositionals: true,
});
const WARM_RUNS = Number(values.runs);
const COLD_RUNS = Number(values['cold-runs']);
const REPLICAS = ['backend1', 'backend2', 'backend3'];
const POLL_MS = 50;
const TIMEOUT_MS = 240_000;
const TARGET_WARM = 1.0;

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/upstream-lab.mjs');
const FIXTURE = join(ROOT, 'tests/fixtures/projects/course-repo');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const docker = testDocker();

type Mode = 'warm' | 'cold';

/**
 * GET / answered below 500: Django runs (the readiness rule of both sides). With node:http, not
 * fetch: undici leaves nothing keeping the process alive while it waits on a socket the engine's
 * port proxy accepted, and the bench would simply end.
 */
async function answers(port: number): Promise<boolean> {
  try {
    const status = await probeOnce('127.0.0.1', port, '/', 1000);
    return status > 0 && status < 500;
  } catch {
    return false;
  }
}

// --- ours ----------------------------------------------------------------------------------------

/** `up --project` from spawning the CLI until the third `backendN: ready` line (its own probe: GET / below 500). */
async function runOurs(project: string, lab: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [BIN, 'up', '--project', project, '--lab', lab, '--listen', `127.0.0.1:${port}`, '--quiet'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: ROOT,
      env: { ...process.env, UPSTREAM_LAB_PROBE: 'unreachable' },
    },
  );
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = new Set<string>();
  let readyMs = 0;
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text;
    for (const match of text.matchAll(/^(backend\d+): ready at/gm)) ready.add(match[1]!);
    if (ready.size === REPLICAS.length && !readyMs) readyMs = performance.now() - started;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  while (!readyMs) {
    if (code !== undefined) throw new Error(`up exited with ${code} before it was ready:\n${output}`);
    if (performance.now() - started > TIMEOUT_MS)
      throw new Error(`up not ready in ${TIMEOUT_MS} ms:\n${output}`);
    await sleep(POLL_MS);
  }
  // Teardown (not timed): Ctrl-C; the volume stays, as the database's data should.
  child.kill('SIGINT');
  if ((await exited) !== 0) throw new Error(`up did not exit cleanly after SIGINT:\n${output}`);
  const left = await docker.listContainers({ all: true, filters: { label: [labFilter(lab)] } });
  if (left.length > 0) throw new Error(`up left ${left.length} container(s) behind`);
  return readyMs;
}

// --- docker-compose ------------------------------------------------------------------------------

/**
 * The project's compose file with the images this machine has: the backends build from the
 * context our build sends (the same adapted Dockerfile and requirements, written out), db and
 * nginx are the offline stand-ins; every backend publishes 8000 on loopback to be timed.
 */
function composeFile(context: string, image: string, nginxPort: number): string {
  const backend = {
    build: context,
    image,
    environment: {
      DJANGO_SECRET_KEY: 'dev-secret-key',
      DJANGO_DEBUG: '1',
      DB_NAME: 'app',
      DB_USER: 'app',
      DB_PASSWORD: 'app',
      DB_HOST: 'db',
      DB_PORT: '5432',
    },
    ports: ['127.0.0.1::8000'],
    // As written (`depends_on: [db]`), runserver often starts before PostgreSQL accepts
    // connections, prints the error and never serves: compose has to wait for it here.
    depends_on: { db: { condition: 'service_healthy' } },
  };
  const services: Record<string, unknown> = {
    db: {
      image: postgresRecipe().tag,
      environment: { POSTGRES_DB: 'app', POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'app' },
      volumes: ['pgdata:/var/lib/postgresql/data'],
      healthcheck: { test: ['CMD-SHELL', 'pg_isready -U app -d app'], interval: '500ms', retries: 120 },
    },
    ...Object.fromEntries(REPLICAS.map((name) => [name, backend])),
    nginx: {
      image: nginxRecipe().tag,
      ports: [`127.0.0.1:${nginxPort}:80`],
      volumes: [`${join(FIXTURE, 'nginx/nginx.conf')}:/etc/nginx/nginx.conf:ro`],
      depends_on: REPLICAS,
    },
  };
  // Quoted strings: docker-compose v1 reads YAML 1.1, where `8080:80` can be a number.
  return stringify(
    { services, volumes: { pgdata: {} } },
    { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', aliasDuplicateObjects: false },
  );
}

const compose = (dir: string, project: string, args: string[]) =>
  run('docker-compose', ['-f', join(dir, 'compose.yaml'), '-p', project, ...args], { cwd: dir });

/** `docker-compose up -d` (with `--build` cold) until every backend answers on its published port. */
async function runCompose(dir: string, project: string, mode: Mode): Promise<number> {
  const started = performance.now();
  let failed: Error | undefined;
  const command = compose(dir, project, ['up', '-d', ...(mode === 'cold' ? ['--build'] : [])]).catch(
    (error: Error) => (failed = new Error(`docker-compose up failed: ${error.message}`)),
  );
  const ready = new Set<string>();
  while (ready.size < REPLICAS.length) {
    if (failed) throw failed;
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`compose not ready in ${TIMEOUT_MS} ms`);
    const containers = await docker.listContainers({
      filters: { label: [`com.docker.compose.project=${project}`] },
    });
    await Promise.all(
      containers.map(async (c) => {
        const service = c.Labels['com.docker.compose.service'] ?? '';
        const port = c.Ports.find((p) => p.PrivatePort === 8000 && p.PublicPort)?.PublicPort;
        if (REPLICAS.includes(service) && port && !ready.has(service) && (await answers(port)))
          ready.add(service);
      }),
    );
    if (ready.size < REPLICAS.length) await sleep(POLL_MS);
  }
  const readyMs = performance.now() - started;
  await command;
  await compose(dir, project, ['down', '--timeout', '10']);
  return readyMs;
}

// --- main ----------------------------------------------------------------------------------------

/** Removes an image and the intermediate layers it was built from: the next build starts from nothing. */
async function forget(image: string): Promise<void> {
  await docker
    .getImage(image)
    .remove({ force: true })
    .catch(() => undefined);
  await docker.pruneImages({ filters: { dangling: { true: true } } }).catch(() => undefined);
}

/** Writes the context our build sends for the project (adapted offline) into a folder, for compose to build. */
async function writeAdaptedContext(project: string, out: string): Promise<void> {
  const plan = await readProject({ dir: project });
  const prepared = await prepareBuild(
    docker,
    plan.image,
    { offline: false, mirrors: [], probe: networkProbe('unreachable'), machine: 'x86_64' },
    () => undefined,
  );
  for (const entry of prepared.entries) {
    const path = join(out, entry.path);
    if (entry.from.kind === 'dir') mkdirSync(path, { recursive: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      if (entry.from.kind === 'text') writeFileSync(path, entry.from.data);
      else if (entry.from.kind === 'disk') cpSync(entry.from.file, path);
    }
  }
}

const fmt = (ms: number): string => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
  await ensureTestImages();
  const id = randomBytes(3).toString('hex');
  const lab = `ulb-ours-${id}`;
  const project = `ulbcompose${id}`;
  const work = await mkdtemp(join(tmpdir(), 'upstream-lab-bench-up-'));
  const projectDir = join(work, 'course-repo');
  cpSync(FIXTURE, projectDir, { recursive: true });
  const contextDir = join(work, 'adapted-context');
  await writeAdaptedContext(projectDir, contextDir);
  const composeImage = `upstream-lab/bench-compose-${id}:latest`;
  writeFileSync(join(work, 'compose.yaml'), composeFile(contextDir, composeImage, await freePort()));
  const ourImage = `upstream-lab/${lab}:latest`;
  const results: Record<Mode, Array<{ ours: number; compose: number }>> = { warm: [], cold: [] };
  const loadBefore = loadavg()[0]!;
  try {
    console.log('warm-up: build both images, run each once (creates and migrates the databases)');
    await compose(work, project, ['build']);
    await runOurs(projectDir, lab);
    await runCompose(work, project, 'warm');
    for (const [mode, runs] of [
      ['warm', WARM_RUNS],
      ['cold', COLD_RUNS],
    ] as const) {
      for (let i = 0; i < runs; i++) {
        const pair = { ours: 0, compose: 0 };
        for (const who of i % 2 === 0 ? (['ours', 'compose'] as const) : (['compose', 'ours'] as const)) {
          if (mode === 'cold') await forget(who === 'ours' ? ourImage : composeImage);
          pair[who] = who === 'ours' ? await runOurs(projectDir, lab) : await runCompose(work, project, mode);
          await sleep(500);
        }
        console.log(
          `  ${mode} ${i + 1}: ours ${fmt(pair.ours)} s, compose ${fmt(pair.compose)} s, ratio ${(pair.ours / pair.compose).toFixed(2)}`,
        );
        results[mode].push(pair);
      }
    }
  } finally {
    await compose(work, project, ['down', '--volumes']).catch(() => undefined);
    await cleanupLab(lab, [ourImage, composeImage]);
    for (const volume of (await docker.listVolumes({ filters: { label: [labFilter(lab)] } })).Volumes ?? [])
      await docker
        .getVolume(volume.Name)
        .remove()
        .catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }

  const load = `${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`;
  const ratio = (mode: Mode) => median(results[mode].map((p) => p.ours / p.compose));
  const rows = (['warm', 'cold'] as const).flatMap((mode) =>
    results[mode].map(
      (p, i) =>
        `| ${mode} ${i + 1} | ${fmt(p.ours)} | ${fmt(p.compose)} | ${(p.ours / p.compose).toFixed(2)} |`,
    ),
  );
  const pass = ratio('warm') <= TARGET_WARM;
  const markdown = `## Lab up vs docker-compose: the course's repository

Run ${new Date().toISOString().slice(0, 10)} on ${machine()} (1-minute load average ${load}), Docker ${(await docker.version()).Version}, ${(await run('docker-compose', ['version', '--short'])).stdout.trim()} (Debian's docker-compose v1). Offline: no registry, no PyPI.

Method: the project of tests/fixtures/projects/course-repo (the seed's Dockerfile verbatim, postgres \`db\`,
\`backend1..3\`, nginx), from start to its three replicas answering \`GET /\` below 500.
**Ours:** spawning \`node bin/upstream-lab.mjs up --project DIR --quiet\` until the third \`backendN: ready\` line
(it reads the compose file, adapts and builds — or finds the image up to date —, starts \`db\` from the
PostgreSQL stand-in, runs \`migrate\` — unless, as on a warm run, the same image already migrated the same
database volume (remembered per lab) —, starts the replicas and the balancer in place of nginx).
**Compose:** \`docker-compose up -d\` of the same services with the same images (the backends built from
the context our build sends, db and nginx the offline stand-ins, nginx itself running), until every
backend answers on a published loopback port, polled every ${POLL_MS} ms; compose runs no migrations, and
its backends wait for a \`pg_isready\` healthcheck of \`db\` (0.5 s interval): as the project is written
(\`depends_on: [db]\`), runserver often starts before PostgreSQL accepts connections and never serves.
**Warm:** images built. **Cold:** the project's image and its build layers removed before each run (the
Debian-made base and stand-in images stay: they are built once per machine). One untimed warm-up of
each, then runs alternating which goes first; torn down after each run (volumes kept, as both do).

| run | ours s | compose s | ratio |
| --- | ---: | ---: | ---: |
${rows.join('\n')}

Median ratio, warm: **${ratio('warm').toFixed(2)}x docker-compose** (target ≤ ${TARGET_WARM.toFixed(1)}x: ${pass ? 'met' : '**not met**'}); cold: **${ratio('cold').toFixed(2)}x**.
`;
  await writeSection('lab-up', markdown);
  console.log(markdown);
  if (!pass) process.exitCode = 1;
}

await main();
