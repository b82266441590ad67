import type { BackendRow, ReportModel, RunReport, SecondRow, TimelineRow } from './report-model';
import { naturalOrder } from './report-model';

export const REPORT_JSON_FORMAT = 'upstream-lab/run-report';
export const REPORT_JSON_VERSION = 1;

/**
 * The JSON report: `{ format: "upstream-lab/run-report", version: 1, lab, savedAt, settings,
 * importedFile, run }`, with `run` null when the lab never ran, else `{ startedAt, endedAt,
 * durationSec, url, image, totals: { served, failed, peakRps, faults }, backends: [{ name,
 * requests, share, failedAttempts, avgMs, p95Ms, weight, maxFails, failTimeoutSec, backup }],
 * statusCodes, seconds: [{ t, elapsedSec, perBackend, failed, statuses }], timeline: [{ t,
 * elapsedSec, backend, kind, detail }], traffic }`. Times are epoch milliseconds, `elapsedSec`
 * counts from the run's start, `share` is 0..1, latencies are milliseconds (null: none measured).
 * Keys always come in this order; `perBackend` and `statuses` list every backend and code.
 * `traffic` is the traffic generator's summary (core/traffic TrafficSummary) or null.
 */
export function reportJson(model: ReportModel): string {
  const report = {
    format: REPORT_JSON_FORMAT,
    version: REPORT_JSON_VERSION,
    lab: model.lab,
    savedAt: model.savedAt,
    settings: {
      ...model.settings,
      backends: Object.fromEntries(
        Object.entries(model.settings.backends).sort(([a], [b]) => naturalOrder(a, b)),
      ),
    },
    importedFile: model.importedFile,
    run: model.run ? runJson(model.run) : null,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function runJson(run: RunReport) {
  return {
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationSec: run.durationSec,
    url: run.url,
    image: run.image,
    totals: run.totals,
    backends: run.backends.map(backendJson),
    statusCodes: run.statusCodes,
    seconds: run.seconds.map(secondJson),
    timeline: run.timeline.map(eventJson),
    traffic: run.traffic,
  };
}

const backendJson = (b: BackendRow) => ({
  name: b.name,
  requests: b.requests,
  share: b.share,
  failedAttempts: b.failedAttempts,
  avgMs: b.avgMs,
  p95Ms: b.p95Ms,
  weight: b.weight,
  maxFails: b.maxFails,
  failTimeoutSec: b.failTimeoutSec,
  backup: b.backup,
});

const secondJson = (s: SecondRow) => ({
  t: s.t,
  elapsedSec: s.elapsedSec,
  perBackend: s.perBackend,
  failed: s.failed,
  statuses: s.statuses,
});

const eventJson = (e: TimelineRow) => ({
  t: e.t,
  elapsedSec: e.elapsedSec,
  backend: e.backend,
  kind: e.kind,
  detail: e.detail,
});
