import type { BackendRow, ReportModel, RunReport, SecondRow, TimelineRow } from './report-model';
import { naturalOrder } from './report-model';

export const REPORT_JSON_FORMAT = 'upstream-lab/run-report';
export const REPORT_JSON_VERSION = 1;

/**
 * The JSON report: `{ format: "upstream-lab/run-report", version: 1, lab, savedAt, settings,
 * importedFile, run }`, with `run` null when the lab never ran, else `{ startedAt, endedAt,
 * durationSec, url, image, baseImages, totals: { requests, served, failed, cutOff, peakRps,
 * faults, trafficRuns }, backends: [{ name, requests, share, failedAttempts, avgMs, p95Ms, weight,
 * maxFails, failTimeoutSec, backup }], statusCodes, statusTotals, dropped: { seconds, events },
 * seconds: [{ t, elapsedSec, perBackend, failed, statuses }], timeline: [{ t, elapsedSec, backend,
 * kind, detail }], traffic, trafficRuns }`. Times are epoch milliseconds, `elapsedSec` counts from
 * the run's start, `share` is 0..1, latencies are milliseconds (null: none measured). Keys always
 * come in this order; `perBackend` and `statuses` list every backend and code. The totals cover
 * the whole run: requests = served + failed + cutOff = the sum of statusTotals, served = the
 * backends' requests summed; `dropped` counts the seconds and events of a long run the series and
 * timeline no longer hold. `trafficRuns` lists every traffic generator run (core/traffic
 * TrafficSummary's reported fields), `traffic` the last one as stored, or null.
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
    baseImages: run.baseImages,
    totals: run.totals,
    backends: run.backends.map(backendJson),
    statusCodes: run.statusCodes,
    statusTotals: run.statusTotals,
    dropped: run.dropped,
    seconds: run.seconds.map(secondJson),
    timeline: run.timeline.map(eventJson),
    traffic: run.traffic,
    trafficRuns: run.trafficRuns,
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
