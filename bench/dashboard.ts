/**
 * The dashboard under load: with 2,000 req/s flowing through the demo lab for five minutes, no long
 * task over 50 ms on the page's main thread, and a JS heap that stays flat (forced GC before each
 * sample). Headless Chromium, driven by Playwright; the load comes from `upstream-lab load`.
 *
 *   npm run bench:dashboard [-- --minutes 5 --rate 2000 --warmup 60 --profile out.cpuprofile]
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import type { TrafficSummary } from '../core/traffic';
import playwrightConfig from '../playwright.config';
import { chromiumMissing, chromiumPath } from '../tests/support/chromium';
import { startLab, type LabProcess } from '../tests/support/lab-process';
import { machine, writeSection } from './lib/report';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    rate: { type: 'string', default: '2000' },
    /** Seconds of load before the heap's "first minute" starts (the 100,000-line log ring fills). */
    warmup: { type: 'string', default: '60' },
    /** Also record a CPU profile of the page for a minute after the warm-up (Chrome DevTools format). */
    profile: { type: 'string' },
  },
  allowPositionals: true,
});
const MINUTES = Number(values.minutes);
const RATE = Number(values.rate);
const WARMUP_S = Number(values.warmup);
const DURATION_S = Math.round(MINUTES * 60);
const SAMPLE_EVERY_S = 10;
const LONG_TASK_MS = 50;
/** "Flat": the last minute's average heap within +10% of the first minute's (after the warm-up). */
const HEAP_TOLERANCE = 0.1;
const VIEWPORT = { width: 1280, height: 800 };
const ROOT = resolve(import.meta.dirname, '..');
const BIN = resolve(ROOT, 'bin/upstream-lab.mjs');

if (!(MINUTES > 0) || !(RATE > 0) || !(WARMUP_S >= 0) || WARMUP_S + 60 > DURATION_S) {
  throw new Error(`need --minutes > 0, --rate > 0 and --warmup + 60 s <= the run (got ${MINUTES} min)`);
}

/** Installed before the page's own scripts: every long task of its main thread, from the start. */
const LONG_TASK_OBSERVER = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__longTasks.push({
        start: e.startTime,
        duration: e.duration,
        name: e.name,
        attribution: (e.attribution || []).map((a) => a.containerType + ':' + (a.containerSrc || a.containerName || a.name)),
      });
    }
  }).observe({ type: 'longtask', buffered: true });
`;

interface LongTask {
  start: number;
  duration: number;
  name: string;
  attribution: string[];
}

interface Sample {
  /** Seconds since the load started. */
  at: number;
  heapMB: number;
  /** Nodes Chromium counts (live and not yet collected) and elements in the document. */
  nodes: number;
  elements: number;
  listeners: number;
  /** Main-thread busy time so far (s): tasks, script. */
  taskS: number;
  scriptS: number;
  logsReceived: number;
}

/** Page time (ms since its time origin) of the forced GCs: long tasks overlapping them are ours. */
interface Window {
  from: number;
  to: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const mx = mean(points.map((p) => p[0]));
  const my = mean(points.map((p) => p[1]));
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den ? num / den : 0;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

const pageNow = (page: Page): Promise<number> => page.evaluate('performance.now()') as Promise<number>;

async function sample(page: Page, cdp: CDPSession, at: number, gcs: Window[]): Promise<Sample> {
  const from = await pageNow(page);
  await cdp.send('HeapProfiler.collectGarbage');
  gcs.push({ from, to: await pageNow(page) });
  const m = await metrics(cdp);
  const page_ = (await page.evaluate(`({
    elements: document.getElementsByTagName('*').length,
    logs: document.querySelector('[data-testid="log-counts"]')?.textContent ?? '',
  })`)) as { elements: number; logs: string };
  const received = /([\d,]+) received/.exec(page_.logs)?.[1] ?? '0';
  return {
    at,
    heapMB: (m['JSHeapUsedSize'] ?? NaN) / 2 ** 20,
    nodes: m['Nodes'] ?? NaN,
    elements: page_.elements,
    listeners: m['JSEventListeners'] ?? NaN,
    taskS: m['TaskDuration'] ?? NaN,
    scriptS: m['ScriptDuration'] ?? NaN,
    logsReceived: Number(received.replace(/,/g, '')),
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** The functions with the most self time in a CPU profile, for the console. */
function topSelf(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${k}`);
}

/** `upstream-lab load URL --rate N --duration Ns --json` as a child process. */
function startLoad(url: string): { done: Promise<TrafficSummary>; last: () => string; stop: () => void } {
  const child = spawn(
    process.execPath,
    [BIN, 'load', url, '--rate', String(RATE), '--duration', `${DURATION_S}s`, '--json'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let lastLine = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr = (stderr + t).slice(-4000);
    lastLine = t.trim().split('\n').at(-1) ?? lastLine;
  });
  const done = new Promise<TrafficSummary>((ok, fail) => {
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`upstream-lab load exited ${code}:\n${stderr}`));
      try {
        ok(JSON.parse(stdout) as TrafficSummary);
      } catch (error) {
        fail(new Error(`upstream-lab load printed no JSON: ${(error as Error).message}\n${stdout}`));
      }
    });
  });
  return { done, last: () => lastLine, stop: () => void child.kill('SIGINT') };
}

interface Result {
  samples: Sample[];
  longTasks: LongTask[];
  /** Long tasks that overlap a forced GC (the bench's, not the page's). */
  gcTasks: LongTask[];
  /** Long tasks before the load started (page load, backlog). */
  beforeLoad: LongTask[];
  summary: TrafficSummary;
  busyPct: number;
  scriptPct: number;
  /** Page time (ms) when the load started. */
  loadAt: number;
}

async function measure(lab: LabProcess): Promise<Result> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: playwrightConfig.use?.launchOptions?.args ?? [],
  });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.addInitScript(LONG_TASK_OBSERVER);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(lab.dashboardUrl);
    await page.getByTestId('connection-state').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    await page.getByRole('row', { name: 'backend3', exact: true }).waitFor({ timeout: 15_000 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    await sleep(2000);

    const gcs: Window[] = [];
    const samples: Sample[] = [];
    const loadAt = await pageNow(page);
    const startedAt = performance.now();
    const load = startLoad(lab.balancerUrl);
    const elapsed = (): number => (performance.now() - startedAt) / 1000;
    const before = await metrics(cdp);
    let profiling: Promise<void> | null = null;

    for (let next = SAMPLE_EVERY_S; next <= DURATION_S; next += SAMPLE_EVERY_S) {
      await sleep(Math.max(0, (next - elapsed()) * 1000));
      if (values.profile && !profiling && next >= WARMUP_S) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
        const file = values.profile;
        profiling = sleep(60_000).then(async () => {
          const { profile } = await cdp.send('Profiler.stop');
          await writeFile(file, JSON.stringify(profile));
          console.log(`CPU profile (60 s) → ${file}; most self time:`);
          for (const line of topSelf(profile as never)) console.log(`  ${line}`);
        });
      }
      const s = await sample(page, cdp, next, gcs);
      samples.push(s);
      const tasks = ((await page.evaluate('window.__longTasks.length')) as number) || 0;
      console.log(
        `[${String(next).padStart(3)} s] heap ${fmt(s.heapMB)} MB · nodes ${s.nodes} · elements ${s.elements} · ` +
          `logs ${s.logsReceived} · long tasks ${tasks} · load: ${load.last()}`,
      );
    }
    await profiling;
    const after = await metrics(cdp);
    const wall = elapsed();
    const all = (await page.evaluate('window.__longTasks')) as LongTask[];
    const summary = await load.done.catch(async (error: Error) => {
      load.stop();
      throw error;
    });
    if (errors.length) console.warn(`page errors:\n  ${errors.join('\n  ')}`);
    const overlapsGc = (t: LongTask): boolean =>
      gcs.some((g) => t.start < g.to && t.start + t.duration > g.from);
    const during = all.filter((t) => t.start >= loadAt);
    return {
      samples,
      longTasks: during.filter((t) => !overlapsGc(t)),
      gcTasks: during.filter(overlapsGc),
      beforeLoad: all.filter((t) => t.start < loadAt),
      summary,
      busyPct: (100 * ((after['TaskDuration'] ?? 0) - (before['TaskDuration'] ?? 0))) / wall,
      scriptPct: (100 * ((after['ScriptDuration'] ?? 0) - (before['ScriptDuration'] ?? 0))) / wall,
      loadAt,
    };
  } finally {
    await browser.close();
  }
}

function report(r: Result, loadBefore: number, loadAfter: number): { markdown: string; pass: boolean } {
  const measured = r.samples.filter((s) => s.at > WARMUP_S);
  const first = measured.filter((s) => s.at <= WARMUP_S + 60);
  const last = r.samples.filter((s) => s.at > DURATION_S - 60);
  const heapFirst = mean(first.map((s) => s.heapMB));
  const heapLast = mean(last.map((s) => s.heapMB));
  const mbPerMin = slope(measured.map((s) => [s.at / 60, s.heapMB]));
  const spanMin = ((measured.at(-1)?.at ?? 0) - (measured[0]?.at ?? 0)) / 60;
  const grown = heapLast / heapFirst - 1;
  const heapFlat = grown <= HEAP_TOLERANCE && mbPerMin * spanMin <= HEAP_TOLERANCE * heapFirst;
  const maxTask = Math.max(0, ...r.longTasks.map((t) => t.duration));
  const over = r.longTasks.filter((t) => t.duration > LONG_TASK_MS);
  const noLongTasks = over.length === 0;
  const pass = noLongTasks && heapFlat;
  const s = r.summary;
  const minuteOf = (xs: Sample[], pick: (s: Sample) => number): string => fmt(mean(xs.map(pick)), 0);
  const list = over.length
    ? `\n\nLong tasks over ${LONG_TASK_MS} ms during the load (seconds after it started: ms): ${over
        .slice(0, 40)
        .map((t) => `${fmt((t.start - r.loadAt) / 1000)} s: ${fmt(t.duration, 0)}`)
        .join(', ')}${over.length > 40 ? ', …' : ''}.`
    : '';
  const markdown = `## Dashboard under load

Run ${new Date().toISOString().slice(0, 10)} on ${machine()} (1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after).

Method: \`upstream-lab up --runtime demo --dashboard ...\` (three built-in backends, the balancer and the
dashboard server in one Node process, started through the CLI); the dashboard in headless Chromium
(${chromiumPath}, Playwright, ${VIEWPORT.width}×${VIEWPORT.height}, the e2e suite's flags), connected and idle for 2 s; then
\`upstream-lab load URL --rate ${RATE} --duration ${DURATION_S}s\` (open loop, a child process) for ${MINUTES} min.
In the page: long tasks from a \`PerformanceObserver({ type: 'longtask', buffered: true })\` installed
before the page's scripts; every ${SAMPLE_EVERY_S} s a forced GC (CDP \`HeapProfiler.collectGarbage\`), then
\`Performance.getMetrics\` (JSHeapUsedSize, Nodes) and the document's element count. Long tasks that
overlap the forced GCs are the bench's and counted apart. "Flat": after a ${WARMUP_S} s warm-up (the log
view's 100,000-line ring fills), the last minute's average heap within +${HEAP_TOLERANCE * 100}% of the first
minute's, and the fitted slope over the ${fmt(spanMin)} min measured adds less than ${HEAP_TOLERANCE * 100}% of it.
Load generator, lab, Chromium and this script share the machine's cores.

| | value |
| --- | ---: |
| load sent / achieved | ${s.sent.toLocaleString('en-US')} requests, ${fmt(s.rps, 0)} req/s (target ${RATE}); failed ${s.failed}, dropped ${s.dropped} |
| log lines the page received | ${(r.samples.at(-1)?.logsReceived ?? 0).toLocaleString('en-US')} |
| page main thread busy (tasks / script) | ${fmt(r.busyPct)}% / ${fmt(r.scriptPct)}% |
| long tasks during the load | ${r.longTasks.length} |
| **max long task** | **${r.longTasks.length ? `${fmt(maxTask, 0)} ms` : 'none (< 50 ms)'}** |
| **long tasks > ${LONG_TASK_MS} ms** | **${over.length}** |
| long tasks overlapping the forced GCs (not counted) | ${r.gcTasks.length}${r.gcTasks.length ? ` (max ${fmt(Math.max(...r.gcTasks.map((t) => t.duration)), 0)} ms)` : ''} |
| long tasks while the page loaded (before the load) | ${r.beforeLoad.length}${r.beforeLoad.length ? ` (max ${fmt(Math.max(...r.beforeLoad.map((t) => t.duration)), 0)} ms)` : ''} |
| JS heap, first minute after warm-up (avg) | ${fmt(heapFirst)} MB |
| JS heap, last minute (avg) | ${fmt(heapLast)} MB (${grown >= 0 ? '+' : ''}${fmt(grown * 100)}%) |
| **heap slope** | **${mbPerMin >= 0 ? '+' : ''}${fmt(mbPerMin, 2)} MB/min** |
| DOM nodes (Chromium's count), first / last minute | ${minuteOf(first, (x) => x.nodes)} / ${minuteOf(last, (x) => x.nodes)} |
| elements in the document, first / last minute | ${minuteOf(first, (x) => x.elements)} / ${minuteOf(last, (x) => x.elements)} |
| JS event listeners, first / last minute | ${minuteOf(first, (x) => x.listeners)} / ${minuteOf(last, (x) => x.listeners)} |

Heap samples (MB, every ${SAMPLE_EVERY_S} s after a forced GC): ${r.samples.map((x) => fmt(x.heapMB)).join(', ')}.${list}

Target: no long task over ${LONG_TASK_MS} ms ${noLongTasks ? 'met' : '**not met**'}; heap flat ${heapFlat ? 'met' : '**not met**'}: ${pass ? '**met**' : '**not met**'}.
`;
  return { markdown, pass };
}

async function main(): Promise<void> {
  if (chromiumMissing) throw new Error(chromiumMissing);
  const loadBefore = loadavg()[0]!;
  const lab = await startLab({ lab: 'bench-dashboard', timeoutMs: 120_000 });
  let result: Result;
  try {
    console.log(`dashboard ${lab.dashboardUrl}; ${RATE} req/s for ${MINUTES} min at ${lab.balancerUrl}`);
    result = await measure(lab);
  } finally {
    await lab.stop();
  }
  const { markdown, pass } = report(result, loadBefore, loadavg()[0]!);
  await writeSection('dashboard', markdown);
  console.log(markdown);
  if (!pass) process.exitCode = 1;
}

await main();
