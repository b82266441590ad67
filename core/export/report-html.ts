import type { LabSettings } from '../api/contract';
import { clock, count, definitions, duration, html, type Html } from './html-format';
import { runSections } from './report-html-run';
import type { ReportModel, RunReport } from './report-model';
import { REPORT_CSS } from './report-style';

/** The lab's nginx.conf as exported, or why it could not be. */
export type NginxConfSection = { text: string } | { error: string };

const METHOD_NAMES: Record<LabSettings['method'], string> = {
  round_robin: 'round robin',
  least_conn: 'least connections',
  ip_hash: 'IP hash',
  hash: 'hash',
  random: 'random',
};

/**
 * The run report as one self-contained page (inline CSS and SVG; no script, font or URL it would
 * fetch): what a student hands in. Every string from the record is escaped.
 */
export function reportHtml(model: ReportModel, nginxConf: NginxConfSection): string {
  const { run } = model;
  const title = `Lab “${model.lab}”: run report`;
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />
        <title>${title}</title>
        <style>
          ${REPORT_CSS}
        </style>
      </head>
      <body>
        <main>
          ${hero(model)} ${run ? tiles(run) : null} ${settingsSection(model)}
          ${
            run
              ? runSections(run)
              : html`<section class="card">
                  <h2>Run</h2>
                  <p class="muted">
                    This lab has no recorded run yet: start it, send traffic, then export again.
                  </p>
                </section>`
          }
          ${configSection(nginxConf)}
          <footer>Upstream Lab · lab “${model.lab}” saved ${clock(model.savedAt)}</footer>
        </main>
      </body>
    </html> `;
  return page.text;
}

function hero(model: ReportModel): Html {
  const { run, settings } = model;
  const facts = [
    `${METHOD_NAMES[settings.method]} across ${settings.replicas} ${settings.replicas === 1 ? 'replica' : 'replicas'}`,
    ...(run ? [`started ${clock(run.startedAt)}`, duration(run.durationSec)] : []),
  ];
  return html`<header class="hero">
    <div class="eyebrow">Upstream Lab · run report</div>
    <h1>Lab “${model.lab}”</h1>
    <p>${facts.join(' · ')}</p>
  </header>`;
}

function tiles(run: RunReport): Html {
  const { totals } = run;
  const items: [string, string, boolean][] = [
    [count(totals.served), 'requests served', false],
    [count(totals.failed), 'requests failed', totals.failed > 0],
    ...(totals.cutOff > 0
      ? [[count(totals.cutOff), 'cut off by the client (499)', false] as [string, string, boolean]]
      : []),
    [count(totals.requests / Math.max(1, run.durationSec)), 'average req/s', false],
    [count(totals.peakRps), 'peak req/s', false],
    [count(totals.faults), totals.faults === 1 ? 'fault injected' : 'faults injected', false],
    [count(totals.trafficRuns), totals.trafficRuns === 1 ? 'traffic run' : 'traffic runs', false],
  ];
  return html`<div class="tiles">
    ${items.map(
      ([value, label, bad]) =>
        html`<div class="tile${bad ? ' bad' : ''}">
          <div class="value">${value}</div>
          <div class="label">${label}</div>
        </div>`,
    )}
  </div>`;
}

function settingsSection(model: ReportModel): Html {
  const { settings: s, run } = model;
  const d = s.defaults;
  const rows: [string, string | null | undefined][] = [
    ['Runtime', s.runtime === 'docker' ? 'Docker replicas' : 'demo backends (no Docker)'],
    ['Balancing method', METHOD_NAMES[s.method]],
    ['Replicas', String(s.replicas)],
    [
      'Failure detection',
      s.failureDetection === 'nginx'
        ? 'as nginx: from its own attempts (max_fails within fail_timeout)'
        : 'engine-aware: also at Docker’s events (not in nginx OSS)',
    ],
    ['Balancer listens on', s.listen],
    [
      'nginx.conf',
      model.importedFile ? `imported from ${model.importedFile}` : 'the course lab’s (Experiment05-Docker)',
    ],
    [
      'Defaults',
      `weight=${d.weight} max_fails=${d.maxFails} fail_timeout=${d.failTimeoutSec}s${d.backup ? ' backup' : ''}`,
    ],
    ['Project', s.project || 'the bundled sample Django backend'],
    [
      'Image',
      s.runtime === 'demo' ? 'none: the demo backends are built in' : (run?.image ?? 'not built in this run'),
    ],
    ['Base image', baseImageText(model)],
    ['Registry mirrors', s.registryMirrors.join(', ')],
    ['PyPI index', s.pipIndex],
    ['Balancer URL', run?.url],
    [
      'Run',
      run ? `${clock(run.startedAt)} → ${run.endedAt === null ? 'not ended' : clock(run.endedAt)}` : null,
    ],
  ];
  return html`<section class="card">
    <h2>Lab settings</h2>
    <dl class="settings">${definitions(rows)}</dl>
  </section>`;
}

/** What the build's FROM lines ran on, as built; else what was asked for, said as such. */
function baseImageText(model: ReportModel): string {
  const { settings: s, run } = model;
  if (s.runtime === 'demo') return 'none: the demo backends are built in';
  if (run && run.baseImages.length > 0) return run.baseImages.join(', ');
  const asked = s.baseImage ? `${s.baseImage} was asked for` : 'the Dockerfile’s FROM';
  return `not recorded (${asked}; this run built no image)`;
}

function configSection(nginxConf: NginxConfSection): Html {
  return html`<section class="card">
    <h2>nginx.conf as tuned</h2>
    ${'text' in nginxConf ? html`<pre><code>${nginxConf.text}</code></pre>` : html`<p class="muted">Not exportable: ${nginxConf.error}</p>`}
  </section>`;
}
