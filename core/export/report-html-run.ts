import { markClass, stackedAreaChart } from './html-chart';
import {
  backendColor,
  count,
  definitions,
  duration,
  elapsed,
  FAILED_COLOR,
  html,
  ms,
  percent,
  type Html,
} from './html-format';
import type { BackendRow, RunReport } from './report-model';
import { readTrafficSummary, type TrafficSummaryView } from './traffic-summary';

/** The run's sections of the HTML report: backends, chart, timeline, traffic. */
export function runSections(run: RunReport): Html {
  const colors = run.backends.map((b, i) => ({ name: b.name, color: backendColor(i) }));
  return html`${backendTable(run.backends)} ${chartSection(run, colors)} ${timelineSection(run)}
  ${trafficSection(readTrafficSummary(run.traffic))}`;
}

function backendTable(backends: BackendRow[]): Html {
  const weights = backends.filter((b) => !b.backup).reduce((sum, b) => sum + b.weight, 0);
  const rows = backends.map((b, i) => {
    const byWeight = b.backup || weights === 0 ? '–' : percent(b.weight / weights);
    return html`<tr>
      <td class="name">
        <span class="swatch" style="background:${backendColor(i)}"></span
        >${b.name}${b.backup ? html` <span class="tag">backup</span>` : null}
      </td>
      <td class="num">${count(b.requests)}</td>
      <td class="num">
        ${percent(b.share)}
        <div class="bar">
          <span style="width:${(b.share * 100).toFixed(1)}%;background:${backendColor(i)}"></span>
        </div>
      </td>
      <td class="num">${byWeight}</td>
      <td class="num">${ms(b.avgMs)}</td>
      <td class="num">${ms(b.p95Ms)}</td>
      <td class="num">${count(b.failedAttempts)}</td>
      <td class="num">${b.weight}</td>
      <td class="num">${b.maxFails}</td>
      <td class="num">${b.failTimeoutSec}s</td>
    </tr>`;
  });
  return html`<section class="card">
    <h2>Backends</h2>
    <table>
      <thead>
        <tr>
          <th>Backend</th>
          <th class="num">Requests</th>
          <th class="num">Share</th>
          <th class="num">By weight</th>
          <th class="num">Avg ms</th>
          <th class="num">p95 ms</th>
          <th class="num">Failed attempts</th>
          <th class="num">weight</th>
          <th class="num">max_fails</th>
          <th class="num">fail_timeout</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    <p class="muted">
      Share: of the requests the backends served. By weight: what the weights alone would give (backups
      excluded).
    </p>
  </section>`;
}

function chartSection(run: RunReport, backends: { name: string; color: string }[]): Html {
  if (run.seconds.length === 0) {
    return html`<section class="card">
      <h2>Requests per second</h2>
      <p class="muted">No per-second figures were recorded.</p>
    </section>`;
  }
  const chart = stackedAreaChart({
    seconds: run.seconds,
    backends,
    timeline: run.timeline,
    startedAt: run.startedAt,
  });
  return html`<section class="card">
    <h2>Requests per second</h2>
    ${chart}
    <div class="legend">
      ${backends.map((b) => html`<span><span class="swatch" style="background:${b.color}"></span>${b.name}</span>`)}
      <span><span class="swatch" style="background:${FAILED_COLOR}"></span>failed</span>
      <span
        ><span class="line" style="border-color:var(--fault)"></span>fault (killed, stopped, paused,
        disconnected)</span
      >
      <span><span class="line" style="border-color:var(--recovery)"></span>restored</span>
      <span><span class="line" style="border-color:var(--other)"></span>other event</span>
    </div>
  </section>`;
}

function timelineSection(run: RunReport): Html {
  if (run.timeline.length === 0) {
    return html`<section class="card">
      <h2>Timeline</h2>
      <p class="muted">No backend was broken or restored during this run.</p>
    </section>`;
  }
  const rows = run.timeline.map(
    (e, i) =>
      html`<tr>
        <td class="num">${i + 1}</td>
        <td class="num">${elapsed(e.elapsedSec)}</td>
        <td>${e.backend}</td>
        <td><span class="tag ${markClass(e.kind)}">${e.kind}</span></td>
        <td class="detail">${e.detail}</td>
      </tr>`,
  );
  return html`<section class="card">
    <h2>Timeline</h2>
    <table>
      <thead>
        <tr>
          <th class="num">#</th>
          <th class="num">At (min:s)</th>
          <th>Backend</th>
          <th>Event</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`;
}

function trafficSection(traffic: TrafficSummaryView | null): Html | null {
  if (!traffic) return null;
  const mode =
    traffic.mode === 'open'
      ? `open loop, ${count(traffic.rate ?? 0)} req/s target`
      : `closed loop, ${count(traffic.concurrency ?? 0)} in flight`;
  const figures: [string, string | null][] = [
    ['Requests', `${traffic.method} ${traffic.url}`],
    ['Mode', mode],
    ['Elapsed', duration(traffic.elapsedSec)],
    ['Completed', `${count(traffic.completed)} of ${count(traffic.sent)} sent`],
    [
      'Success rate',
      `${traffic.successRate === null ? '–' : percent(traffic.successRate)} (${count(traffic.ok)} ok, ${count(traffic.failed)} failed)`,
    ],
    ['Throughput', `${count(traffic.rps)} req/s`],
    ['Status codes', listCounts(traffic.statuses)],
    ['Errors', Object.keys(traffic.errors).length > 0 ? listCounts(traffic.errors) : null],
  ];
  const l = traffic.latencyMs;
  return html`<section class="card">
    <h2>Traffic generator</h2>
    <dl class="settings">${definitions(figures)}</dl>
    ${
      l
        ? html`<table style="margin-top:14px">
            <thead>
              <tr>
                <th>Latency (ms)</th>
                <th class="num">p50</th>
                <th class="num">p90</th>
                <th class="num">p95</th>
                <th class="num">p99</th>
                <th class="num">max</th>
                <th class="num">mean</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>${traffic.mode === 'open' ? 'from intended send time' : 'per request'}</td>
                ${[l.p50, l.p90, l.p95, l.p99, l.max, l.mean].map((v) => html`<td class="num">${ms(v)}</td>`)}
              </tr>
            </tbody>
          </table>`
        : null
    }
  </section>`;
}

function listCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([, a], [, b]) => b - a);
  return entries.length === 0 ? '–' : entries.map(([key, n]) => `${key}: ${count(n)}`).join(', ');
}
