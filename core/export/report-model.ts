import type { BackendParams, LabSettings, MetricsSample, TimelineEvent } from '../api/contract';
import { paramsFor } from '../app/lab-config';
import type { BackendTotals, LabRecord, RunRecord } from '../state/lab-record';
import { readTrafficSummary, type TrafficSummaryView } from './traffic-summary';

/**
 * What every report format shows, computed once. Times (`t`, `…At`) are epoch milliseconds;
 * `elapsedSec` counts from the run's start.
 */
export interface ReportModel {
  lab: string;
  savedAt: number;
  settings: LabSettings;
  /** The file name of the nginx.conf the lab was imported from; null = the course's config. */
  importedFile: string | null;
  run: RunReport | null;
}

export interface RunReport {
  startedAt: number;
  endedAt: number | null;
  durationSec: number;
  url: string | null;
  /** `upstream-lab/lab:latest (0123456789ab)`; null: nothing was built (the demo backends). */
  image: string | null;
  /** The images the Dockerfile's FROM lines ran on, as built: a mirror's or offline substitute's name. */
  baseImages: string[];
  /**
   * requests = served + failed + cutOff, served = the backends' rows summed; cutOff: requests the
   * client gave up on before any backend answered (499).
   */
  totals: {
    requests: number;
    served: number;
    failed: number;
    cutOff: number;
    peakRps: number;
    faults: number;
    trafficRuns: number;
  };
  /** Client statuses over the whole run, every code in `statusCodes`. */
  statusTotals: Record<string, number>;
  /** Seconds and events of a long run the bounded series and timeline no longer hold. */
  dropped: { seconds: number; events: number };
  /** One per backend that served or was tried, in natural order (backend2 before backend10). */
  backends: BackendRow[];
  /** Every status code seen, in numeric order. */
  statusCodes: string[];
  /** One per second, oldest first; each lists every backend and status code (0 when none). */
  seconds: SecondRow[];
  timeline: TimelineRow[];
  /** The traffic generator's last summary as stored (core/traffic TrafficSummary), or null. */
  traffic: unknown;
  /** Every traffic generator run of the lab run, oldest first. */
  trafficRuns: TrafficSummaryView[];
}

export interface BackendRow extends BackendParams {
  name: string;
  requests: number;
  /** Of the requests the backends served, 0..1. */
  share: number;
  failedAttempts: number;
  avgMs: number | null;
  p95Ms: number | null;
}

export interface SecondRow {
  t: number;
  elapsedSec: number;
  perBackend: Record<string, number>;
  failed: number;
  statuses: Record<string, number>;
}

export interface TimelineRow extends TimelineEvent {
  elapsedSec: number;
}

export const FAULT_KINDS: ReadonlySet<string> = new Set(['killed', 'stopped', 'paused', 'disconnected']);

/** A fault injected: a backend broken, or a toxic put on its connections (not its removal). */
export const isFault = (event: TimelineEvent): boolean =>
  FAULT_KINDS.has(event.kind) || (event.kind === 'toxic' && event.detail !== 'toxic removed');

export const naturalOrder = (a: string, b: string): number =>
  a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);

export function reportModel(record: LabRecord): ReportModel {
  return {
    lab: record.settings.lab,
    savedAt: record.savedAt,
    settings: record.settings,
    importedFile: record.importedConfig?.file ?? null,
    run: runReport(record.settings, record.lastRun),
  };
}

function runReport(settings: LabSettings, run: RunRecord | null): RunReport | null {
  if (!run) return null;
  const metrics = [...run.metrics].sort((a, b) => a.t - b.t);
  const names = backendNames(run, metrics);
  const statusTotals =
    Object.keys(run.statuses).length > 0 ? run.statuses : summed(metrics.map((m) => m.statuses));
  const statusCodes = [
    ...new Set([...Object.keys(statusTotals), ...metrics.flatMap((m) => Object.keys(m.statuses))]),
  ].sort(naturalOrder);
  const elapsed = (t: number): number => (t - run.startedAt) / 1000;
  const seconds = metrics.map((m) => ({
    t: m.t,
    elapsedSec: elapsed(m.t),
    perBackend: Object.fromEntries(names.map((name) => [name, m.perBackend[name] ?? 0])),
    failed: m.failed,
    statuses: Object.fromEntries(statusCodes.map((code) => [code, m.statuses[code] ?? 0])),
  }));
  const timeline = [...run.timeline]
    .sort((a, b) => a.t - b.t)
    .map((event) => ({ ...event, elapsedSec: elapsed(event.t) }));
  const lastSecondEnd = metrics.length > 0 ? metrics[metrics.length - 1]!.t + 1000 : run.startedAt;
  const backends = backendRows(settings, run.backends, names, seconds);
  const served = sum(backends.map((b) => b.requests));
  const failed = run.failed ?? sum(seconds.map((s) => s.failed));
  const requests = Math.max(served + failed, sum(Object.values(statusTotals)));
  const trafficRuns = (run.trafficRuns.length > 0 ? run.trafficRuns : [run.traffic])
    .map(readTrafficSummary)
    .filter((summary) => summary !== null);
  return {
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationSec: Math.max(0, elapsed(run.endedAt ?? lastSecondEnd)),
    url: run.url,
    image: run.image,
    baseImages: run.baseImages,
    totals: {
      requests,
      served,
      failed,
      cutOff: requests - served - failed,
      peakRps: Math.max(0, ...metrics.map((m) => sum(Object.values(m.statuses)))),
      faults: timeline.filter(isFault).length,
      trafficRuns: trafficRuns.length,
    },
    statusTotals: Object.fromEntries(statusCodes.map((code) => [code, statusTotals[code] ?? 0])),
    dropped: { seconds: run.metricsDropped, events: run.timelineDropped },
    backends,
    statusCodes,
    seconds,
    timeline,
    traffic: run.traffic ?? null,
    trafficRuns,
  };
}

function backendNames(run: RunRecord, metrics: MetricsSample[]): string[] {
  const names = new Set(run.backends.map((b) => b.name));
  for (const sample of metrics) for (const name of Object.keys(sample.perBackend)) names.add(name);
  return [...names].sort(naturalOrder);
}

function backendRows(
  settings: LabSettings,
  totals: BackendTotals[],
  names: string[],
  seconds: SecondRow[],
): BackendRow[] {
  const rows = names.map((name): Omit<BackendRow, 'share'> => {
    const total = totals.find((t) => t.name === name);
    if (total) return { ...total };
    // Served in the series but missing from the totals: count it, with the lab's parameters.
    const requests = sum(seconds.map((s) => s.perBackend[name] ?? 0));
    return { name, requests, failedAttempts: 0, avgMs: null, p95Ms: null, ...paramsFor(settings, name) };
  });
  const served = sum(rows.map((row) => row.requests));
  return rows.map((row) => ({ ...row, share: served > 0 ? row.requests / served : 0 }));
}

function summed(counts: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const c of counts) for (const [key, n] of Object.entries(c)) total[key] = (total[key] ?? 0) + n;
  return total;
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
