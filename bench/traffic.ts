/**
 * The traffic generator's maximum throughput (closed loop) against autocannon's, on the same fast
 * target (nginx `return 200`) and machine, runs alternating, median ratio. wrk runs once as a
 * reference for what the target can serve.
 *
 *   npm run bench:traffic [-- --runs 3 --seconds 5]
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import type { TrafficSummary } from '../core/traffic';
import { startNginx } from '../tests/support/nginx';
import { freePort } from '../tests/support/target';
import { machine, median, writeSection } from './lib/report';
import { wrk } from './lib/wrk';

const run = promisify(execFile);

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '5' } },
  allowPositionals: true,
});
const RUNS = Number(values.runs);
const SECONDS = Number(values.seconds);
const CONNECTIONS = 64;
const TARGET_RATIO = 1;
const BIN = resolve(import.meta.dirname, '../bin/upstream-lab.mjs');

interface Result {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function ours(url: string, seconds: number): Promise<Result> {
  const { stdout } = await run(
    process.execPath,
    [BIN, 'load', url, '--concurrency', String(CONNECTIONS), '--duration', `${seconds}s`, '--json'],
    { maxBuffer: 1 << 24 },
  );
  const s = JSON.parse(stdout) as TrafficSummary;
  return { rps: s.rps, p50Ms: s.latencyMs?.p50 ?? NaN, p99Ms: s.latencyMs?.p99 ?? NaN, errors: s.failed };
}

interface AutocannonJson {
  duration: number;
  requests: { total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}

async function autocannon(url: string, seconds: number): Promise<Result> {
  const { stdout } = await run(
    'npx',
    ['--no-install', 'autocannon', '-c', String(CONNECTIONS), '-d', String(seconds), '--json', url],
    { maxBuffer: 1 << 24 },
  );
  const a = JSON.parse(stdout) as AutocannonJson;
  return {
    rps: a.requests.total / a.duration,
    p50Ms: a.latency.p50,
    p99Ms: a.latency.p99,
    errors: a.errors + a.non2xx,
  };
}

async function autocannonInstalled(): Promise<boolean> {
  try {
    await run('npx', ['--no-install', 'autocannon', '--version']);
    return true;
  } catch {
    return false;
  }
}

const row = (name: string, results: Result[]): string =>
  `| ${name} | ${median(results.map((r) => r.rps)).toFixed(0)} | ${median(results.map((r) => r.p50Ms)).toFixed(2)} | ${median(results.map((r) => r.p99Ms)).toFixed(2)} |`;

async function main(): Promise<void> {
  const port = await freePort();
  const nginx = await startNginx(`events {}
http {
    server { listen 127.0.0.1:${port}; location / { return 200 "ok"; } }
}
`);
  const url = `http://127.0.0.1:${port}/`;
  const haveAutocannon = await autocannonInstalled();
  const pairs: { ours: Result; autocannon: Result | null }[] = [];
  let reference: Result;
  try {
    // Warm-up: the target, the page cache, tsx's compile cache.
    await ours(url, 2);
    if (haveAutocannon) await autocannon(url, 2);
    for (let i = 0; i < RUNS; i++) {
      let a: Result | null = null;
      let o: Result;
      if (haveAutocannon && i % 2 === 1) {
        a = await autocannon(url, SECONDS);
        o = await ours(url, SECONDS);
      } else {
        o = await ours(url, SECONDS);
        if (haveAutocannon) a = await autocannon(url, SECONDS);
      }
      console.log(
        `  run ${i + 1}: upstream-lab ${o.rps.toFixed(0)} req/s` +
          (a ? `; autocannon ${a.rps.toFixed(0)} req/s (ratio ${(o.rps / a.rps).toFixed(2)})` : ''),
      );
      pairs.push({ ours: o, autocannon: a });
    }
    const w = await wrk(url, { threads: 1, connections: CONNECTIONS, seconds: SECONDS });
    reference = { rps: w.requestsPerSec, p50Ms: w.p50Ms, p99Ms: w.p99Ms, errors: w.errors };
  } finally {
    await nginx.stop();
  }

  const oursResults = pairs.map((p) => p.ours);
  const autocannonResults = pairs.flatMap((p) => (p.autocannon ? [p.autocannon] : []));
  const ratio = haveAutocannon ? median(pairs.map((p) => p.ours.rps / p.autocannon!.rps)) : null;
  const pass = ratio !== null && ratio >= TARGET_RATIO;
  const errors = [...oursResults, ...autocannonResults].reduce((sum, r) => sum + r.errors, 0);
  const verdict =
    ratio === null
      ? '**not measured: autocannon is not installed** (`npm install --save-dev autocannon`)'
      : `median of per-run ratios: **${ratio.toFixed(2)}x autocannon** (target ≥ ${TARGET_RATIO}x): ${pass ? 'met' : '**not met**'}`;
  const markdown = `## Traffic generator vs autocannon

Run ${new Date().toISOString().slice(0, 10)} on ${machine()}.

Method: one nginx process (\`master_process off\`) answering \`return 200\` on 127.0.0.1; closed loop with
${CONNECTIONS} connections for ${SECONDS} s: \`upstream-lab load URL --concurrency ${CONNECTIONS} --duration ${SECONDS}s --json\`
(a child process, req/s = completed / elapsed) and \`autocannon -c ${CONNECTIONS} -d ${SECONDS} --json\` (req/s = requests.total / duration),
after a 2 s warm-up of each; ${RUNS} runs alternating which goes first; ratio per run (ours / autocannon), then the median.
wrk \`-t1 -c${CONNECTIONS}\` once, as a reference for what the target serves to a C client. Generator and nginx share the cores.

| | req/s (median) | p50 ms | p99 ms |
| --- | ---: | ---: | ---: |
${row('upstream-lab load', oursResults)}
${haveAutocannon ? `${row('autocannon', autocannonResults)}\n` : ''}| wrk (reference, 1 run) | ${reference.rps.toFixed(0)} | ${reference.p50Ms.toFixed(2)} | ${reference.p99Ms.toFixed(2)} |

Throughput: ${verdict}. Errors or non-2xx in all runs: ${errors}.
`;
  await writeSection('traffic', markdown);
  console.log(markdown);
  if (!pass) process.exitCode = 1;
}

await main();
