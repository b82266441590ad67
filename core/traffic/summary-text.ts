import type { LatencyStats, TrafficSample, TrafficSummary } from './types';

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Milliseconds for people: 0.35, 4.1, 1,250. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return count(ms);
}

const withUnit = (ms: number | null): string => (ms === null ? '–' : `${formatMs(ms)} ms`);

/** `[ 3s] 1,203 req/s  p50 1.2 ms  p99 4.1 ms  ok 3,609  failed 0`; `[3.4s]` for a last, partial second. */
export function liveLine(sample: TrafficSample): string {
  const tenths = Math.round(sample.elapsedSec * 10) / 10;
  const seconds = (Number.isInteger(tenths) ? String(tenths) : tenths.toFixed(1)).padStart(2);
  return (
    `[${seconds}s] ${count(sample.rps)} req/s  p50 ${withUnit(sample.p50)}  p99 ${withUnit(sample.p99)}  ` +
    `ok ${count(sample.ok)}  failed ${count(sample.failed)}`
  );
}

/** The end-of-run report, in the manner of oha and autocannon. */
export function summaryText(s: TrafficSummary): string {
  const mode =
    s.mode === 'open'
      ? `open loop, ${Number.isInteger(s.rate) ? count(s.rate ?? 0) : s.rate} req/s target`
      : `closed loop, ${s.concurrency} in flight`;
  const success = s.successRate === null ? '–' : `${(s.successRate * 100).toFixed(2)} %`;
  const lines = [
    `Summary: ${s.method} ${s.url} (${mode})`,
    `  Elapsed       ${s.elapsedSec.toFixed(2)} s`,
    `  Requests      ${count(s.completed)} completed, ${count(s.sent)} sent, ${count(s.aborted)} unfinished at the end`,
    `  Throughput    ${count(s.rps)} req/s`,
    `  Success rate  ${success} (${count(s.ok)} ok, ${count(s.failed)} failed)`,
  ];
  if (s.mode === 'open') lines.push(`  Dropped       ${count(s.dropped)}, late ${count(s.late)}`);
  lines.push('', ...latencyTable(s));
  if (s.histogram.length > 0) lines.push('', ...histogramLines(s));
  lines.push('', 'Status codes:', ...counts(s.statuses, (k) => `[${k}]`));
  lines.push('', 'Errors:', ...counts(s.errors, (k) => `[${k}]`));
  lines.push('', 'Backends:', ...backendLines(s.perBackend));
  return `${lines.join('\n')}\n`;
}

function latencyTable(s: TrafficSummary): string[] {
  const columns = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean', 'stdev'];
  const cells = (l: LatencyStats): string[] =>
    [l.p50, l.p90, l.p95, l.p99, l.p999, l.max, l.mean, l.stdev].map(formatMs);
  const rows: [string, string[]][] = [];
  if (s.latencyMs) rows.push([s.mode === 'open' ? 'corrected' : 'latency', cells(s.latencyMs)]);
  if (s.uncorrectedLatencyMs) rows.push(['uncorrected', cells(s.uncorrectedLatencyMs)]);
  if (rows.length === 0) return ['Latency (ms): no responses'];
  const width = Math.max(7, ...rows.flatMap(([, c]) => c.map((x) => x.length + 2)));
  const label = Math.max(...rows.map(([name]) => name.length)) + 2;
  const header = ''.padEnd(label) + columns.map((c) => c.padStart(width)).join('');
  const note =
    s.mode === 'open'
      ? " (corrected: from each request's intended send time; uncorrected: from when it was sent)"
      : '';
  return [
    `Latency (ms)${note}:`,
    `  ${header}`,
    ...rows.map(([name, c]) => `  ${name.padEnd(label)}${c.map((x) => x.padStart(width)).join('')}`),
  ];
}

function histogramLines(s: TrafficSummary): string[] {
  const most = Math.max(...s.histogram.map((b) => b.count));
  const labels = s.histogram.map((b) => `${formatMs(b.toMs)} ms`);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const countWidth = Math.max(...s.histogram.map((b) => count(b.count).length));
  return [
    'Latency histogram (up to):',
    ...s.histogram.map((b, i) => {
      const bar = '■'.repeat(most > 0 ? Math.round((b.count / most) * 40) : 0);
      return `  ${labels[i]!.padStart(labelWidth)} [${count(b.count).padStart(countWidth)}] |${bar}`;
    }),
  ];
}

function counts(record: Record<string, number>, label: (key: string) => string): string[] {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return ['  none'];
  return entries.map(([key, n]) => `  ${label(key)} ${count(n)}`);
}

function backendLines(perBackend: Record<string, number>): string[] {
  const entries = Object.entries(perBackend).sort((a, b) =>
    a[0].localeCompare(b[0], 'en', { numeric: true }),
  );
  if (entries.length === 0)
    return ['  none identified (no JSON "backend" field, X-Upstream-Backend or X-Up-Addr)'];
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const nameWidth = Math.max(...entries.map(([name]) => name.length));
  const countWidth = Math.max(...entries.map(([, n]) => count(n).length));
  return entries.map(([name, n]) => {
    const share = n / total;
    return `  ${name.padEnd(nameWidth)} ${count(n).padStart(countWidth)} ${(share * 100).toFixed(1).padStart(5)} % |${'■'.repeat(Math.round(share * 40))}`;
  });
}
