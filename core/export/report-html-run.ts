import { markClass, stackedAreaChart } from './html-chart';
import {
  backendColor,
  count,
  definitions,
  elapsed,
  FAILED_COLOR,
  html,
  ms,
  percent,
  type Html,
} from './html-format';
import type { BackendRow, RunReport } from './report-model';
import { trafficSection } from './report-html-traffic';

/** The run's sections of the HTML report: backends, responses, chart, timeline, traffic. */
export function runSections(run: RunReport): Html {
  const colors = run.backends.map((b, i) => ({ name: b.name, color: backendColor(i) }));
  return html`${backendTable(run.backends, run.totals.served)} ${responsesSection(run)}
  ${chartSection(run, colors)} ${timelineSection(run)} ${trafficSection(run.trafficRuns, run.startedAt)}`;
}

function backendTable(backends: BackendRow[], served: number): Html {
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
  const failedAttempts = backends.reduce((n, b) => n + b.failedAttempts, 0);
  return html`<section class="card">
    <h2>Backends</h2>
    <div class="table-box">
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
        <tfoot>
          <tr>
            <td>All backends</td>
            <td class="num">${count(served)}</td>
            <td class="num">${served > 0 ? percent(1) : '–'}</td>
            <td></td>
            <td></td>
            <td></td>
            <td class="num">${count(failedAttempts)}</td>
            <td colspan="3"></td>
          </tr>
        </tfoot>
      </table>
    </div>
    <p class="muted">
      Share: of the requests the backends served. By weight: what the weights alone would give (backups
      excluded).
    </p>
  </section>`;
}

/** Every response the balancer sent, by status: the same requests as the backends' rows, plus failures. */
function responsesSection(run: RunReport): Html {
  const { totals } = run;
  const rows = run.statusCodes.map((code) => {
    const n = run.statusTotals[code] ?? 0;
    return html`<tr>
      <td>${code}</td>
      <td class="num">${count(n)}</td>
      <td class="num">${totals.requests > 0 ? percent(n / totals.requests) : '–'}</td>
    </tr>`;
  });
  const split: [string, string][] = [
    ['Served by a backend', count(totals.served)],
    ['Failed (the balancer answered itself: no backend could)', count(totals.failed)],
    ['Cut off (the client went away first, 499)', count(totals.cutOff)],
  ];
  return html`<section class="card">
    <h2>Responses</h2>
    <div class="split">
      <div class="table-box">
        <table>
          <thead>
            <tr>
              <th>Status</th>
              <th class="num">Requests</th>
              <th class="num">Share</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
          <tfoot>
            <tr>
              <td>All</td>
              <td class="num">${count(totals.requests)}</td>
              <td class="num">${totals.requests > 0 ? percent(1) : '–'}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <dl class="settings">${definitions(split)}</dl>
    </div>
    ${droppedNote(run)}
  </section>`;
}

function droppedNote(run: RunReport): Html | null {
  const { seconds, events } = run.dropped;
  if (seconds === 0 && events === 0) return null;
  const parts = [
    seconds > 0
      ? `the per-second chart and CSV hold the last ${count(run.seconds.length)} s (${count(seconds)} s before them were dropped)`
      : null,
    events > 0
      ? `the timeline holds the last ${count(run.timeline.length)} events (${count(events)} before them were dropped)`
      : null,
  ].filter((part) => part !== null);
  return html`<p class="muted">A long run: ${parts.join('; ')}. The totals cover the whole run.</p>`;
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
        disconnected, a toxic)</span
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
        <td><span class="tag ${markClass(e)}">${e.kind}</span></td>
        <td class="detail">${e.detail}</td>
      </tr>`,
  );
  return html`<section class="card">
    <h2>Timeline</h2>
    <div class="table-box">
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
    </div>
  </section>`;
}
