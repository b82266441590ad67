/**
 * From `upstream-lab up` to three ready replicas, against `docker-compose up -d --scale backend=3`
 * of the same Dockerfile, both with a warm image: runs alternating, median ratio.
 *
 *   npm run bench:lab-up [-- --runs 5]
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs, promisify } from 'node:util';
import { labFilter } from '../core/docker/labels';
import { OFFLINE_BASE_IMAGE } from '../core/docker/mirrors';
import { cleanupLab, testDocker } from '../tests/support/docker';
import { getOnce } from '../tests/support/load';
import { freePort } from '../tests/support/target';
import { machine, median, writeSection } from './lib/report';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' } },
  allowPositionals: true,
});
const RUNS = Number(values.runs);
const REPLICAS = 3;
const POLL_MS = 50;
const TIMEOUT_MS = 120_000;
const TARGET_RATIO = 1.0;

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/upstream-lab.mjs');
const SAMPLE_BACKEND = join(ROOT, 'resources/sample-backend');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds from the start of a run to each milestone. */
interface Timing {
  readyMs: number;
  phases: Record<string, number>;
}

interface EngineEvent {
  /** Epoch milliseconds, engine clock (this machine's). */
  time: number;
  type: string;
  action: string;
  name: string;
}

/** Every engine event while the bench runs: the same clock and the same milestones for both tools. */
class EngineTimeline {
  readonly events: EngineEvent[] = [];
  #stream: Readable | undefined;

  async start(): Promise<void> {
    this.#stream = (await testDocker().getEvents({})) as Readable;
    let partial = '';
    this.#stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const raw = JSON.parse(line) as {
          Type: string;
          Action: string;
          timeNano: number;
          Actor?: { Attributes?: Record<string, string> };
        };
        this.events.push({
          time: raw.timeNano / 1e6,
          type: raw.Type,
          action: raw.Action,
          name: raw.Actor?.Attributes?.name ?? '',
        });
      }
    });
  }

  stop(): void {
    this.#stream?.destroy();
  }

  /**
   * Milestones of one run that began at `since` (epoch ms): when its image was tagged (a build),
   * its network created, its first container created and its last one started.
   */
  phases(since: number, matches: (name: string) => boolean, image?: string): Record<string, number> {
    const mine = this.events.filter((e) => e.time >= since && matches(e.name));
    const phases: Record<string, number> = {};
    const first = (pick: (e: EngineEvent) => boolean) => mine.find(pick);
    const last = (pick: (e: EngineEvent) => boolean) => mine.filter(pick).at(-1);
    const tagged = image
      ? this.events.find(
          (e) => e.time >= since && e.type === 'image' && e.action === 'tag' && e.name === image,
        )
      : undefined;
    if (tagged) phases['image built (cached)'] = tagged.time - since;
    const network = first((e) => e.type === 'network' && e.action === 'create');
    if (network) phases['network created'] = network.time - since;
    const created = first((e) => e.type === 'container' && e.action === 'create');
    if (created) phases['first container created'] = created.time - since;
    const started = last((e) => e.type === 'container' && e.action === 'start');
    if (started) phases['last container started'] = started.time - since;
    return phases;
  }
}

const timeline = new EngineTimeline();

// --- ours ----------------------------------------------------------------------------------------

/**
 * `node bin/upstream-lab.mjs up` from process start until three replicas serve: the third
 * `backendN: ready` line, or the balancer having answered from three different backends,
 * whichever comes first. Stdout lines are timed too, to show where the time goes.
 */
async function runOurs(lab: string): Promise<Timing> {
  const port = await freePort();
  const since = Date.now();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [BIN, 'up', '--lab', lab, '--listen', `127.0.0.1:${port}`, '--replicas', String(REPLICAS), '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT },
  );
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = new Set<string>();
  let readyByLines = 0;
  let firstAnswer = 0;
  let output = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const readyLine = /^(backend\d+): ready at/.exec(line);
      if (readyLine) ready.add(readyLine[1]!);
      if (ready.size === REPLICAS && !readyByLines) readyByLines = performance.now() - started;
    }
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));

  const seen = new Set<string>();
  let readyByBalancer = 0;
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  while (!readyByLines && !readyByBalancer) {
    if (code !== undefined) throw new Error(`up exited with ${code} before it was ready:\n${output}`);
    if (performance.now() - started > TIMEOUT_MS)
      throw new Error(`up not ready in ${TIMEOUT_MS} ms:\n${output}`);
    const round = await Promise.all(
      Array.from({ length: REPLICAS }, () => getOnce(false, port, '/health', { timeoutMs: 1000 })),
    );
    for (const sample of round) if (sample.status === 200 && sample.backend) seen.add(sample.backend);
    if (seen.size > 0) firstAnswer ||= performance.now() - started;
    if (seen.size === REPLICAS) readyByBalancer = performance.now() - started;
    else await sleep(POLL_MS);
  }
  const readyMs = Math.min(...[readyByLines, readyByBalancer].filter((ms) => ms > 0));
  const phases = timeline.phases(since, (name) => name.startsWith(lab), `upstream-lab/${lab}:latest`);
  if (firstAnswer) phases['first replica answering (through the balancer)'] = firstAnswer;

  // Teardown (not timed): Ctrl-C, and up removes its replicas before exiting.
  child.kill('SIGINT');
  const exitCode = await exited;
  if (exitCode !== 0) throw new Error(`up exited with ${exitCode} after SIGINT:\n${output}`);
  const left = await testDocker().listContainers({ all: true, filters: { label: [labFilter(lab)] } });
  if (left.length > 0) throw new Error(`up left ${left.length} container(s) behind`);
  return { readyMs, phases };
}

// --- docker-compose ------------------------------------------------------------------------------

function composeFile(image: string): string {
  return `version: "3.8"
services:
  backend:
    build:
      context: ${JSON.stringify(SAMPLE_BACKEND)}
      args:
        BASE_IMAGE: ${OFFLINE_BASE_IMAGE}
        PIP_NO_INDEX: "1"
    image: ${image}
    ports:
      - "127.0.0.1::8000"
`;
}

/**
 * `docker-compose up -d --scale backend=3` from command start until every replica answers
 * GET /health on its published port, polled every 50 ms while the command runs.
 */
/** `docker-compose -f DIR/compose.yaml -p PROJECT ...` */
const compose = (dir: string, project: string, args: string[]) =>
  run('docker-compose', ['-f', join(dir, 'compose.yaml'), '-p', project, ...args], { cwd: dir });

async function runCompose(dir: string, project: string): Promise<Timing> {
  const docker = testDocker();
  const since = Date.now();
  const started = performance.now();
  let exitedMs = 0;
  let firstReady = 0;
  const command = compose(dir, project, ['up', '-d', '--scale', `backend=${REPLICAS}`]).then(
    () => (exitedMs = performance.now() - started),
    (error: Error) => {
      throw new Error(`docker-compose up failed: ${error.message}`);
    },
  );
  let failed: Error | undefined;
  command.catch((error: Error) => (failed = error));
  const ready = new Set<string>();
  while (ready.size < REPLICAS) {
    if (failed) throw failed;
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`compose not ready in ${TIMEOUT_MS} ms`);
    const containers = await docker.listContainers({
      filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.service=backend'] },
    });
    await Promise.all(
      containers.map(async (c) => {
        const port = c.Ports.find((p) => p.PrivatePort === 8000 && p.PublicPort)?.PublicPort;
        if (!port || ready.has(c.Id)) return;
        const { status } = await getOnce(false, port, '/health', { timeoutMs: 1000 });
        if (status === 200) ready.add(c.Id);
      }),
    );
    if (ready.size > 0) firstReady ||= performance.now() - started;
    if (ready.size < REPLICAS) await sleep(POLL_MS);
  }
  const readyMs = performance.now() - started;
  await command;
  const phases = timeline.phases(since, (name) => name.startsWith(project));
  phases['first replica answering'] = firstReady;
  phases['`up -d` exited'] = exitedMs;
  await compose(dir, project, ['down', '--timeout', '10']);
  return { readyMs, phases };
}

// --- main ----------------------------------------------------------------------------------------

interface Pair {
  ours: Timing;
  compose: Timing;
}

const fmt = (ms: number): string => (ms / 1000).toFixed(2);

function phaseTable(title: string, timings: Timing[]): string {
  const names = [...new Set(timings.flatMap((t) => Object.keys(t.phases)))];
  const rows = names
    .map((name) => ({ name, ms: median(timings.flatMap((t) => t.phases[name] ?? [])) }))
    .sort((a, b) => a.ms - b.ms)
    .map(({ name, ms }) => `| ${name} | ${fmt(ms)} |`);
  rows.push(`| **3 replicas ready** | **${fmt(median(timings.map((t) => t.readyMs)))}** |`);
  return `| ${title} | s from start (median) |\n| --- | ---: |\n${rows.join('\n')}`;
}

async function main(): Promise<void> {
  const id = randomBytes(3).toString('hex');
  const lab = `ulb-ours-${id}`;
  const project = `ulbcompose${id}`;
  const composeImage = `upstream-lab/bench-compose-${id}:latest`;
  const dir = await mkdtemp(join(tmpdir(), 'upstream-lab-bench-compose-'));
  await writeFile(join(dir, 'compose.yaml'), composeFile(composeImage));
  const pairs: Pair[] = [];
  const loadBefore = loadavg()[0]!;
  await timeline.start();
  try {
    console.log('warm-up: build both images and run each once');
    await compose(dir, project, ['build']);
    await runOurs(lab);
    await runCompose(dir, project);
    for (let i = 0; i < RUNS; i++) {
      const oursFirst = i % 2 === 0;
      const pair = {} as Pair;
      for (const who of oursFirst ? (['ours', 'compose'] as const) : (['compose', 'ours'] as const)) {
        pair[who] = who === 'ours' ? await runOurs(lab) : await runCompose(dir, project);
        await sleep(500);
      }
      console.log(
        `  run ${i + 1}: ours ${fmt(pair.ours.readyMs)} s, compose ${fmt(pair.compose.readyMs)} s, ` +
          `ratio ${(pair.ours.readyMs / pair.compose.readyMs).toFixed(2)}`,
      );
      pairs.push(pair);
    }
  } finally {
    timeline.stop();
    await compose(dir, project, ['down']).catch(() => undefined);
    await cleanupLab(lab, [`upstream-lab/${lab}:latest`, composeImage]);
    await rm(dir, { recursive: true, force: true });
  }

  const load = `${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`;
  const ratio = median(pairs.map((p) => p.ours.readyMs / p.compose.readyMs));
  const phase = (who: keyof Pair, name: string) => median(pairs.flatMap((p) => p[who].phases[name] ?? []));
  const tail = (who: keyof Pair) =>
    median(pairs.map((p) => p[who].readyMs)) - phase(who, 'last container started');
  const pass = ratio <= TARGET_RATIO;
  const rows = pairs.map(
    (p, i) =>
      `| ${i + 1} | ${fmt(p.ours.readyMs)} | ${fmt(p.compose.readyMs)} | ${(p.ours.readyMs / p.compose.readyMs).toFixed(2)} |`,
  );
  const markdown = `## Lab up vs docker-compose

Run ${new Date().toISOString().slice(0, 10)} on ${machine()} (1-minute load average ${load}), Docker ${(await testDocker().version()).Version}, ${(await run('docker-compose', ['version', '--short'])).stdout.trim()} (Debian's docker-compose v1).

Method: the time from start to ${REPLICAS} replicas of the sample backend serving, with a warm image.
**Ours:** from spawning \`node bin/upstream-lab.mjs up --replicas ${REPLICAS} --quiet\` (which connects to the
engine, builds the image from cache, creates and starts the replicas and the balancer) until the
third \`backendN: ready\` line or the balancer having answered from ${REPLICAS} different backends,
whichever comes first (the balancer polled every ${POLL_MS} ms). **Compose:** from starting
\`docker-compose up -d --scale backend=${REPLICAS}\` (same Dockerfile and build arguments, image built
beforehand, ports \`127.0.0.1::8000\`) until every replica answers GET /health on its published
port, polled every ${POLL_MS} ms. One untimed warm-up run of each, then ${RUNS} runs alternating which goes
first; each run is torn down before the next (ours: SIGINT and wait for exit; compose:
\`docker-compose down\`). Ratio per run (ours / compose), then the median.

| run | ours s | compose s | ratio |
| ---: | ---: | ---: | ---: |
${rows.join('\n')}

Median of per-run ratios: **${ratio.toFixed(2)}x docker-compose** (target ≤ ${TARGET_RATIO.toFixed(1)}x): ${pass ? 'met' : '**not met**'}.

Where the time goes (medians; engine milestones from Docker's event stream, same clock):

${phaseTable(
  'ours',
  pairs.map((p) => p.ours),
)}

${phaseTable(
  'docker-compose',
  pairs.map((p) => p.compose),
)}

Before its first container, ours spends ${fmt(phase('ours', 'first container created'))} s (starting Node and the CLI,
connecting to the engine, listening, the cached build, the lab network) against compose's
${fmt(phase('compose', 'first container created'))} s; from the last container start to all replicas ready it takes ${fmt(tail('ours'))} s against
${fmt(tail('compose'))} s.
`;
  await writeSection('lab-up', markdown);
  console.log(markdown);
  if (!pass) process.exitCode = 1;
}

await main();
