/**
 * The dashboard under load: with 2,000 req/s flowing through the demo lab for five minutes, no long
 * task over 50 ms on the page's main thread, and a JS heap that stays flat (forced GC before each
 * sample). Headless Chromium, driven by Playwright; the load comes from `upstream-lab load`.
 *
 *   npm run bench:dashboard [-- --minutes 5 --rate 2000 --warmup 60]
 *
 * To find out why a task is long: `--trace FILE` records a Chromium trace of the minute after the
 * warm-up and prints each task over 50 ms on the page's main thread with its wall time, its CPU
 * time and what ran in it; `--profile FILE` records a CPU profile of that minute and prints the top
 * self times. Open either in Chrome DevTools' Performance panel.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
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
    profile: { type: 'string' },
    trace: { type: 'string' },
  },
  allowPositionals: true,
});
const MINUTES = Number(values.minutes);
const RATE = Number(values.rate);
const WARMUP_S = Number(values.warmup);
const DURATION_S = Math.round(MINUTES * 60);
const SAMPLE_EVERY_S = 10;
const DIAGNOSE_S = 60;
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
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
`;

interface LongTask {
  /** Page time (ms since its time origin). */
  start: number;
  duration: number;
}

interface Sample {
  /** Seconds since the load started. */
  at: number;
  heapMB: number;
  /** Nodes Chromium counts (live and not yet collected) and elements in the document. */
  nodes: number;
  elements: number;
  listeners: number;
  logsReceived: number;
}

/** A span of page time (ms): the bench's forced GCs, the diagnosed minute. */
interface Span {
  from: number;
  to: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');
const overlaps = (t: LongTask, s: Span): boolean => t.start < s.to && t.start + t.duration > s.from;

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

/** Busy and total jiffies of the whole machine (Linux), to show what else wanted the cores. */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return null;
  }
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

const pageNow = (page: Page): Promise<number> => page.evaluate('performance.now()') as Promise<number>;

async function sample(page: Page, cdp: CDPSession, at: number, gcs: Span[]): Promise<Sample> {
  const from = await pageNow(page);
  await cdp.send('HeapProfiler.collectGarbage');
  gcs.push({ from, to: await pageNow(page) });
  const m = await metrics(cdp);
  const dom = (await page.evaluate(`({
    elements: document.getElementsByTagName('*').length,
    logs: document.querySelector('[data-testid="log-counts"]')?.textContent ?? '',
  })`)) as { elements: number; logs: string };
  return {
    at,
    heapMB: (m['JSHeapUsedSize'] ?? NaN) / 2 ** 20,
    nodes: m['Nodes'] ?? NaN,
    elements: dom.elements,
    listeners: m['JSEventListeners'] ?? NaN,
    logsReceived: Number((/([\d,]+) received/.exec(dom.logs)?.[1] ?? '0').replace(/,/g, '')),
  };
}

// --- diagnosis: a CPU profile or a trace of one minute ------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The functions with the most self time in a CPU profile. */
function topSelf(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  for (let i = 0; i < samples.length; i++) {
    const frame = byId.get(samples[i]!)?.callFrame;
    if (!frame) continue;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${k}`);
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; functionName?: string } };
}

interface TraceFindings {
  /** Tasks over 50 ms of wall time on the page's main thread, and the CPU time of each. */
  long: Array<{ wallMs: number; cpuMs: number; parts: string }>;
  /** The most CPU any one task took. */
  maxCpuMs: number;
  tasks: number;
  cpuMs: number;
  /** The most CPU one of the bench's forced GCs took. */
  gcCpuMs: number;
}

/** A task that ran the bench's forced GC (CDP `HeapProfiler.collectGarbage`), not the page's work. */
const FORCED_GC = 'V8.GCLowMemoryNotification';

function analyseTrace(events: TraceEvent[]): TraceFindings | null {
  const main = events.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  if (!main) return null;
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const within = (task: TraceEvent): TraceEvent[] =>
    mine.filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + (task.dur ?? 0));
  const gcs = mine.filter((e) => e.name === FORCED_GC);
  // Tasks are `RunTask`, with `ThreadControllerImpl::RunTask` nested inside: count the outer ones.
  const tasks = mine
    .filter((e) => e.name === 'RunTask')
    .filter((t) => !gcs.some((g) => g.ts >= t.ts && g.ts + (g.dur ?? 0) <= t.ts + (t.dur ?? 0)));
  const long = tasks
    .filter((t) => (t.dur ?? 0) > LONG_TASK_MS * 1000)
    .map((task) => {
      const inside = within(task).filter((e) => !e.name.endsWith('RunTask'));
      // The outermost events inside the task: what it was busy (or waiting) with.
      const outer = inside.filter(
        (e) => !inside.some((o) => o !== e && o.ts <= e.ts && o.ts + (o.dur ?? 0) >= e.ts + (e.dur ?? 0)),
      );
      const parts = outer
        .filter((e) => (e.dur ?? 0) >= 2000)
        .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
        .slice(0, 3)
        .map((e) => {
          const fn = e.args?.data?.functionName;
          return `${e.name}${fn ? ` ${fn}` : ''} ${fmt((e.dur ?? 0) / 1000, 0)}/${fmt((e.tdur ?? 0) / 1000, 0)}`;
        })
        .join(', ');
      return { wallMs: task.dur! / 1000, cpuMs: (task.tdur ?? NaN) / 1000, parts };
    });
  return {
    long,
    maxCpuMs: Math.max(0, ...tasks.map((t) => (t.tdur ?? 0) / 1000)),
    tasks: tasks.length,
    cpuMs: tasks.reduce((sum, t) => sum + (t.tdur ?? 0) / 1000, 0),
    gcCpuMs: Math.max(0, ...gcs.map((g) => (g.tdur ?? 0) / 1000)),
  };
}

async function diagnose(browser: Browser, page: Page, cdp: CDPSession): Promise<TraceFindings | null> {
  if (values.profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  if (values.trace) {
    await browser.startTracing(page, {
      categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'],
    });
  }
  await sleep(DIAGNOSE_S * 1000);
  if (values.profile) {
    const { profile } = await cdp.send('Profiler.stop');
    await writeFile(values.profile, JSON.stringify(profile));
    console.log(`CPU profile (${DIAGNOSE_S} s) → ${values.profile}; most self time:`);
    for (const line of topSelf(profile as never)) console.log(`  ${line}`);
  }
  if (!values.trace) return null;
  const buffer = await browser.stopTracing();
  await writeFile(values.trace, buffer);
  const findings = analyseTrace(
    (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents,
  );
  console.log(`trace (${DIAGNOSE_S} s) → ${values.trace}`);
  for (const t of findings?.long ?? [])
    console.log(`  task ${fmt(t.wallMs)} ms wall, ${fmt(t.cpuMs)} ms CPU: ${t.parts}`);
  return findings;
}

// --- the run ------------------------------------------------------------------------------------

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
  /** Long tasks during the load, the forced GCs' left out. */
  longTasks: LongTask[];
  /** Long tasks that overlap a forced GC (the bench's work, not the page's). */
  gcTasks: LongTask[];
  /** Long tasks before the load started (page load and the log backlog). */
  beforeLoad: LongTask[];
  /** Long tasks in the diagnosed minute (tracing or profiling adds work there). */
  diagnosed: LongTask[];
  trace: TraceFindings | null;
  summary: TrafficSummary;
  wallS: number;
  /** Page figures over the load, per second of wall time (CDP Performance metrics). */
  page: { cpuPct: number; inTasksPct: number; scriptPct: number; processPct: number; layoutsPerS: number };
  machineBusyPct: number | null;
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

    const gcs: Span[] = [];
    const samples: Sample[] = [];
    const loadAt = await pageNow(page);
    const cpuBefore = cpuTimes();
    const before = await metrics(cdp);
    const startedAt = performance.now();
    const load = startLoad(lab.balancerUrl);
    const elapsed = (): number => (performance.now() - startedAt) / 1000;
    let diagnosis: Promise<TraceFindings | null> | null = null;
    const diagnosed: Span = { from: Infinity, to: Infinity };

    for (let next = SAMPLE_EVERY_S; next <= DURATION_S; next += SAMPLE_EVERY_S) {
      await sleep(Math.max(0, (next - elapsed()) * 1000));
      if ((values.trace || values.profile) && !diagnosis && next >= WARMUP_S) {
        diagnosed.from = await pageNow(page);
        diagnosis = diagnose(browser, page, cdp).finally(async () => (diagnosed.to = await pageNow(page)));
      }
      const s = await sample(page, cdp, next, gcs);
      samples.push(s);
      const tasks = (await page.evaluate('window.__longTasks.length')) as number;
      console.log(
        `[${String(next).padStart(3)} s] heap ${fmt(s.heapMB)} MB · nodes ${s.nodes} · elements ${s.elements} · ` +
          `logs ${s.logsReceived} · long tasks ${tasks} · load: ${load.last()}`,
      );
    }
    const trace = (await diagnosis) ?? null;
    const after = await metrics(cdp);
    const cpuAfter = cpuTimes();
    const wallS = elapsed();
    const all = (await page.evaluate('window.__longTasks')) as LongTask[];
    const summary = await load.done.catch((error: Error) => {
      load.stop();
      throw error;
    });
    if (errors.length) console.warn(`page errors:\n  ${errors.join('\n  ')}`);
    const during = all.filter((t) => t.start >= loadAt);
    const byGc = (t: LongTask): boolean => gcs.some((g) => overlaps(t, g));
    const pct = (name: string): number => (100 * ((after[name] ?? 0) - (before[name] ?? 0))) / wallS;
    return {
      samples,
      longTasks: during.filter((t) => !byGc(t)),
      gcTasks: during.filter(byGc),
      beforeLoad: all.filter((t) => t.start < loadAt),
      diagnosed: during.filter((t) => !byGc(t) && overlaps(t, diagnosed)),
      trace,
      summary,
      wallS,
      page: {
        cpuPct: pct('ThreadTime'),
        inTasksPct: pct('TaskDuration'),
        scriptPct: pct('ScriptDuration'),
        processPct: pct('ProcessTime'),
        layoutsPerS: ((after['LayoutCount'] ?? 0) - (before['LayoutCount'] ?? 0)) / wallS,
      },
      machineBusyPct:
        cpuBefore && cpuAfter
          ? (100 * (cpuAfter.busy - cpuBefore.busy)) / Math.max(1, cpuAfter.total - cpuBefore.total)
          : null,
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
  const over = r.longTasks.filter((t) => t.duration > LONG_TASK_MS);
  const maxTask = Math.max(0, ...r.longTasks.map((t) => t.duration));
  const noLongTasks = over.length === 0;
  const pass = noLongTasks && heapFlat;
  const s = r.summary;
  const avg = (xs: Sample[], pick: (s: Sample) => number): string => thousands(mean(xs.map(pick)));
  const maxOf = (ts: LongTask[]): string =>
    ts.length ? ` (max ${fmt(Math.max(...ts.map((t) => t.duration)), 0)} ms)` : '';
  const list = over.length
    ? `\n\nLong tasks over ${LONG_TASK_MS} ms during the load (seconds after it started: ms): ${over
        .slice(0, 40)
        .map((t) => `${fmt((t.start - r.loadAt) / 1000)} s: ${fmt(t.duration, 0)}`)
        .join(', ')}${over.length > 40 ? ', …' : ''}.`
    : '';
  const trace = r.trace
    ? `\n\nThe traced minute (\`--trace\`, ${DIAGNOSE_S} s from ${WARMUP_S} s; tracing adds work): ${thousands(r.trace.tasks)} tasks on
the page's main thread, ${fmt(r.trace.cpuMs / 1000)} s of CPU in all; **the most CPU any one task took: ${fmt(r.trace.maxCpuMs)} ms**
(the bench's forced GCs left out; they took up to ${fmt(r.trace.gcCpuMs)} ms). Tasks over ${LONG_TASK_MS} ms of wall time
(wall / CPU ms, then their biggest parts as wall/CPU ms):
${r.trace.long.length ? r.trace.long.map((t) => `- ${fmt(t.wallMs, 0)} / ${fmt(t.cpuMs, 1)}: ${t.parts || '(nothing recorded inside)'}`).join('\n') : '- none'}`
    : '';
  const machineBusy = r.machineBusyPct === null ? 'unknown' : `${fmt(r.machineBusyPct, 0)}%`;
  const markdown = `## Dashboard under load

Run ${new Date().toISOString().slice(0, 10)} on ${machine()} (1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after; all cores ${machineBusy} busy during the run).

Method: \`upstream-lab up --runtime demo --dashboard ...\` (three built-in backends, the balancer and the
dashboard server in one Node process, started through the CLI); the dashboard in headless Chromium
(${chromiumPath}, Playwright, ${VIEWPORT.width}×${VIEWPORT.height}, the e2e suite's flags), connected and idle for 2 s; then
\`upstream-lab load URL --rate ${RATE} --duration ${DURATION_S}s\` (open loop, a child process) for ${MINUTES} min.
In the page: long tasks from a \`PerformanceObserver({ type: 'longtask', buffered: true })\` installed
before the page's scripts (wall time: a task that waits for a core counts too); every ${SAMPLE_EVERY_S} s a forced GC
(CDP \`HeapProfiler.collectGarbage\`), then \`Performance.getMetrics\` (JSHeapUsedSize, Nodes, ThreadTime) and the
document's element count. Long tasks that overlap the forced GCs are the bench's, counted apart. "Flat": after a
${WARMUP_S} s warm-up (the log view's 100,000-line ring fills in about 25 s), the last minute's average heap within
+${HEAP_TOLERANCE * 100}% of the first minute's, and the fitted slope over the ${fmt(spanMin)} min measured adding less than
${HEAP_TOLERANCE * 100}% of it. Load generator, lab, Chromium and this script share the machine's cores (and so does
whatever else runs on it).

| | value |
| --- | ---: |
| load sent; achieved | ${thousands(s.sent)} requests; ${fmt(s.rps, 0)} req/s (target ${RATE}); ${s.failed} failed, ${s.dropped} dropped |
| log lines the page received | ${thousands(r.samples.at(-1)?.logsReceived ?? 0)} |
| page main thread: on the CPU / in tasks (wall) / script | ${fmt(r.page.cpuPct)}% / ${fmt(r.page.inTasksPct)}% / ${fmt(r.page.scriptPct)}% |
| page renderer process CPU; layouts per second | ${fmt(r.page.processPct)}%; ${fmt(r.page.layoutsPerS)} |
| **max long task** | **${r.longTasks.length ? `${fmt(maxTask, 0)} ms` : 'none (all < 50 ms)'}** |
| **long tasks > ${LONG_TASK_MS} ms during the load** | **${over.length}**${r.diagnosed.length ? ` (${r.diagnosed.length} in the traced/profiled minute)` : ''} |
| long tasks overlapping the forced GCs (not counted) | ${r.gcTasks.length}${maxOf(r.gcTasks)} |
| long tasks while the page opened (before the load) | ${r.beforeLoad.length}${maxOf(r.beforeLoad)} |
| JS heap, first minute after warm-up (avg) | ${fmt(heapFirst)} MB |
| JS heap, last minute (avg) | ${fmt(heapLast)} MB (${grown >= 0 ? '+' : ''}${fmt(grown * 100)}%) |
| **heap slope** | **${mbPerMin >= 0 ? '+' : ''}${fmt(mbPerMin, 2)} MB/min** |
| DOM nodes (Chromium's count), first / last minute | ${avg(first, (x) => x.nodes)} / ${avg(last, (x) => x.nodes)} |
| elements in the document, first / last minute | ${avg(first, (x) => x.elements)} / ${avg(last, (x) => x.elements)} |
| JS event listeners, first / last minute | ${avg(first, (x) => x.listeners)} / ${avg(last, (x) => x.listeners)} |

Heap samples (MB, every ${SAMPLE_EVERY_S} s after a forced GC): ${r.samples.map((x) => fmt(x.heapMB)).join(', ')}.${list}${trace}

Target: no long task over ${LONG_TASK_MS} ms: ${noLongTasks ? 'met' : '**not met**'}; heap flat: ${heapFlat ? 'met' : '**not met**'}. Overall: ${pass ? '**met**' : '**not met**'}.
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
