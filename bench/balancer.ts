/**
 * Balancer throughput and latency against real nginx (one process) in front of the same three
 * fast upstreams (nginx `return 200`), measured with wrk, runs alternating, median ratio.
 *
 *   npm run bench -- balancer [--runs 5] [--seconds 5]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startNginx, type NginxInstance } from '../tests/support/nginx';
import { freePort, waitForPort } from '../tests/support/target';
import { machine, median, writeSection } from './lib/report';
import { wrk, type WrkResult } from './lib/wrk';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, seconds: { type: 'string', default: '5' } },
  allowPositionals: true,
});
const RUNS = Number(values.runs);
const SECONDS = Number(values.seconds);
const CONNECTIONS = 50;
const TARGET_RPS_RATIO = 0.35;
const TARGET_P99_RATIO = 2;

interface Scenario {
  name: string;
  upstreamExtra: string;
  locationExtra: string;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'keep-alive to upstreams (`keepalive 32`, HTTP/1.1)',
    upstreamExtra: 'keepalive 32;',
    locationExtra: 'proxy_http_version 1.1; proxy_set_header Connection "";',
  },
  { name: "the seed's config (a new upstream connection per request)", upstreamExtra: '', locationExtra: '' },
];

function proxyConf(port: number, upstreamPorts: number[], scenario: Scenario): string {
  return `events {}
http {
    upstream backend_pool {
${upstreamPorts.map((p) => `        server 127.0.0.1:${p} max_fails=3 fail_timeout=30s weight=1;`).join('\n')}
        ${scenario.upstreamExtra}
    }
    server {
        listen 127.0.0.1:${port};
        server_name localhost;
        location / {
            proxy_pass http://backend_pool;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $server_name;
            ${scenario.locationExtra}
        }
    }
}
`;
}

async function startOurs(confText: string, port: number): Promise<{ child: ChildProcess; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'upstream-lab-bench-'));
  const confPath = join(dir, 'nginx.conf');
  await writeFile(confPath, confText);
  const bin = resolve(import.meta.dirname, '../bin/upstream-lab.mjs');
  const child = spawn(process.execPath, [bin, 'proxy', '--config', confPath, '--quiet'], {
    stdio: 'inherit',
  });
  await waitForPort(port);
  return { child, dir };
}

async function stopOurs({ child, dir }: { child: ChildProcess; dir: string }): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  await rm(dir, { recursive: true, force: true });
}

interface Pair {
  nginx: WrkResult;
  ours: WrkResult;
}

async function runScenario(scenario: Scenario, upstreamPorts: number[]): Promise<Pair[]> {
  const nginxPort = await freePort();
  const oursPort = await freePort();
  const nginx: NginxInstance = await startNginx(proxyConf(nginxPort, upstreamPorts, scenario));
  const ours = await startOurs(proxyConf(oursPort, upstreamPorts, scenario), oursPort);
  const opts = { threads: 1, connections: CONNECTIONS, seconds: SECONDS };
  try {
    // Warm up both (JIT, connection pools) before measuring.
    await wrk(`http://127.0.0.1:${nginxPort}/`, { ...opts, seconds: 2 });
    await wrk(`http://127.0.0.1:${oursPort}/`, { ...opts, seconds: 2 });
    const pairs: Pair[] = [];
    for (let i = 0; i < RUNS; i++) {
      const first = i % 2 === 0;
      const a = await wrk(`http://127.0.0.1:${first ? nginxPort : oursPort}/`, opts);
      const b = await wrk(`http://127.0.0.1:${first ? oursPort : nginxPort}/`, opts);
      const pair = first ? { nginx: a, ours: b } : { nginx: b, ours: a };
      console.log(
        `  run ${i + 1}: nginx ${pair.nginx.requestsPerSec.toFixed(0)} req/s p99 ${pair.nginx.p99Ms} ms; ` +
          `ours ${pair.ours.requestsPerSec.toFixed(0)} req/s p99 ${pair.ours.p99Ms} ms`,
      );
      pairs.push(pair);
    }
    return pairs;
  } finally {
    await stopOurs(ours);
    await nginx.stop();
  }
}

function summarize(scenario: Scenario, pairs: Pair[]): { table: string; pass: boolean } {
  const rpsRatio = median(pairs.map((p) => p.ours.requestsPerSec / p.nginx.requestsPerSec));
  const p99Ratio = median(pairs.map((p) => p.ours.p99Ms / p.nginx.p99Ms));
  const m = (pick: (r: WrkResult) => number, who: 'nginx' | 'ours') => median(pairs.map((p) => pick(p[who])));
  const pass = rpsRatio >= TARGET_RPS_RATIO && p99Ratio <= TARGET_P99_RATIO;
  const errors = pairs.reduce((sum, p) => sum + p.ours.errors + p.nginx.errors, 0);
  const table = `#### ${scenario.name}

| | req/s (median) | p50 ms | p99 ms |
| --- | ---: | ---: | ---: |
| nginx 1.22 | ${m((r) => r.requestsPerSec, 'nginx').toFixed(0)} | ${m((r) => r.p50Ms, 'nginx').toFixed(2)} | ${m((r) => r.p99Ms, 'nginx').toFixed(2)} |
| upstream-lab | ${m((r) => r.requestsPerSec, 'ours').toFixed(0)} | ${m((r) => r.p50Ms, 'ours').toFixed(2)} | ${m((r) => r.p99Ms, 'ours').toFixed(2)} |

Median of per-run ratios: **req/s ${rpsRatio.toFixed(2)}x nginx** (target ≥ ${TARGET_RPS_RATIO}x), **p99 ${p99Ratio.toFixed(2)}x nginx** (target ≤ ${TARGET_P99_RATIO}x): ${pass ? 'met' : '**not met**'}. Errors or non-2xx in all runs: ${errors}.`;
  return { table, pass };
}

async function main(): Promise<void> {
  const upstreamPorts = [await freePort(), await freePort(), await freePort()];
  const upstream = await startNginx(`events {}
http {
${upstreamPorts.map((p, i) => `    server { listen 127.0.0.1:${p}; location / { return 200 "${'ABC'[i]}"; } }`).join('\n')}
}
`);
  const sections: string[] = [];
  let allPass = true;
  try {
    for (const scenario of SCENARIOS) {
      console.log(`${scenario.name}`);
      const result = summarize(scenario, await runScenario(scenario, upstreamPorts));
      allPass &&= result.pass;
      sections.push(result.table);
    }
  } finally {
    await upstream.stop();
  }
  const markdown = `## Balancer vs nginx

Run ${new Date().toISOString().slice(0, 10)} on ${machine()}.

Method: three upstreams served by one nginx process (\`return 200\`); in front of them, nginx 1.22
(one process: \`master_process off\`, the same as \`worker_processes 1\`, its access log off) and
\`upstream-lab proxy --quiet\` (one Node process, started through the CLI; **mode: \`--quiet\`**, no access log
and no request records built, unlike a lab with its dashboard) with the same config: the seed's upstream parameters and
proxy_set_header lines. wrk \`-t1 -c${CONNECTIONS} -d${SECONDS}s --latency\`, after a 2 s warm-up of each;
${RUNS} runs alternating which proxy goes first; ratios are per run (ours / nginx), then the median.
All processes share the machine's cores, as they would on a student's laptop.

${sections.join('\n\n')}
`;
  await writeSection('balancer', markdown);
  console.log(markdown);
  if (!allPass) process.exitCode = 1;
}

await main();
