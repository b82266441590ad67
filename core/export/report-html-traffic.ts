import { count, definitions, duration, elapsed, html, ms, percent, type Html } from './html-format';
import type { TrafficSummaryView } from './traffic-summary';

/** Every traffic generator run of the lab run: one row each, the totals, the last run's latencies. */
export function trafficSection(runs: TrafficSummaryView[], startedAt: number): Html | null {
  if (runs.length === 0) return null;
  const rows = runs.map(
    (run, i) =>
      html`<tr>
        <td class="num">${i + 1}</td>
        <td class="num">
          ${run.startedAt === undefined ? '–' : elapsed((run.startedAt - startedAt) / 1000)}
        </td>
        <td>${load(run)}</td>
        <td class="detail">${run.method} ${pathOf(run.url)}</td>
        <td class="num">${duration(run.elapsedSec)}</td>
        <td class="num">${count(run.sent)}</td>
        <td class="num">${count(run.ok)}</td>
        <td class="num">${count(run.failed)}</td>
        <td class="num">${count(run.aborted)}</td>
        <td class="num">${count(run.rps)}</td>
        <td class="num">${ms(run.latencyMs?.p50 ?? null)}</td>
        <td class="num">${ms(run.latencyMs?.p95 ?? null)}</td>
        <td class="num">${ms(run.latencyMs?.p99 ?? null)}</td>
      </tr>`,
  );
  const total = (pick: (run: TrafficSummaryView) => number): string =>
    count(runs.reduce((n, r) => n + pick(r), 0));
  return html`<section class="card">
    <h2>Traffic generator</h2>
    <div class="table-box">
      <table>
        <thead>
          <tr>
            <th class="num">#</th>
            <th class="num">At</th>
            <th>Load</th>
            <th>Request</th>
            <th class="num">Elapsed</th>
            <th class="num">Sent</th>
            <th class="num">OK</th>
            <th class="num">Failed</th>
            <th class="num">Cut off</th>
            <th class="num">req/s</th>
            <th class="num">p50 ms</th>
            <th class="num">p95 ms</th>
            <th class="num">p99 ms</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
        ${
          runs.length > 1
            ? html`<tfoot>
                <tr>
                  <td colspan="5">All ${runs.length} runs</td>
                  <td class="num">${total((r) => r.sent)}</td>
                  <td class="num">${total((r) => r.ok)}</td>
                  <td class="num">${total((r) => r.failed)}</td>
                  <td class="num">${total((r) => r.aborted)}</td>
                  <td colspan="4"></td>
                </tr>
              </tfoot>`
            : null
        }
      </table>
    </div>
    <p class="muted">
      Sent = OK + Failed + Cut off (in flight when the run was stopped; the balancer logs them as 499). Open
      loop latencies count from the intended send time.
    </p>
    ${lastRun(runs[runs.length - 1]!)}
  </section>`;
}

function lastRun(run: TrafficSummaryView): Html {
  const figures: [string, string | null][] = [
    ['Success rate', run.successRate === null ? '–' : percent(run.successRate)],
    ['Status codes', listCounts(run.statuses)],
    ['Errors', Object.keys(run.errors).length > 0 ? listCounts(run.errors) : null],
  ];
  return html`<h3>Last run</h3>
    <dl class="settings">${definitions(figures)}</dl>`;
}

function load(run: TrafficSummaryView): string {
  return run.mode === 'open' ? `${count(run.rate ?? 0)} req/s` : `${count(run.concurrency ?? 0)} in flight`;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function listCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([, a], [, b]) => b - a);
  return entries.length === 0 ? '–' : entries.map(([key, n]) => `${key}: ${count(n)}`).join(', ');
}
