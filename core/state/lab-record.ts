import { z } from 'zod';
import { labSettings, TIMELINE_KINDS } from '../api/contract';

const counts = z.record(z.string(), z.number().nonnegative());

const metricsSample = z.object({ t: z.number(), perBackend: counts, statuses: counts, failed: z.number() });

const timelineEvent = z.object({
  t: z.number(),
  backend: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  detail: z.string(),
});

/** Per-backend totals of a run. */
const backendTotals = z.object({
  name: z.string(),
  requests: z.number(),
  failedAttempts: z.number(),
  avgMs: z.number().nullable(),
  p95Ms: z.number().nullable(),
  weight: z.number(),
  maxFails: z.number(),
  failTimeoutSec: z.number(),
  backup: z.boolean(),
});
export type BackendTotals = z.infer<typeof backendTotals>;

/** What a run leaves for its report: the per-second series, the timeline, totals. */
const runRecord = z.object({
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  /** Balancer URL, e.g. http://127.0.0.1:8080. */
  url: z.string().nullable(),
  image: z.string().nullable(),
  /** The images the Dockerfile's FROM lines ran on, as built (a mirror's or offline substitute's name). */
  baseImages: z.array(z.string()).default([]),
  metrics: z.array(metricsSample),
  /** Seconds and events dropped from the front of the bounded series and timeline. */
  metricsDropped: z.number().default(0),
  timelineDropped: z.number().default(0),
  /** Since the run started: client statuses and requests no backend served (the series may be cut). */
  statuses: z.record(z.string(), z.number()).default({}),
  failed: z.number().nullable().default(null),
  timeline: z.array(timelineEvent),
  backends: z.array(backendTotals),
  /** The traffic generator's last summary, if it ran (its shape: core/traffic TrafficSummary). */
  traffic: z.unknown(),
  /** Every traffic run of the lab run, oldest first (older files: only `traffic`). */
  trafficRuns: z.array(z.unknown()).default([]),
});
export type RunRecord = z.infer<typeof runRecord>;

/** Fields added to the settings since the first saved labs: older files get their empty values. */
const ADDED_SETTINGS = {
  composeFile: '',
  service: '',
  registryMirrors: [],
  wheelhouse: '',
  env: {},
  envFiles: [],
  command: '',
  readyPath: '',
  database: '',
  hashKey: '',
  hashConsistent: false,
  randomTwo: false,
  failureDetection: 'nginx',
};

/** Settings as older versions saved them: missing fields filled in, one `registryMirror` made a list. */
function upgradeSettings(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const { registryMirror, ...rest } = value as Record<string, unknown>;
  const mirrors =
    typeof registryMirror === 'string' ? { registryMirrors: registryMirror ? [registryMirror] : [] } : {};
  return { ...ADDED_SETTINGS, ...mirrors, ...rest };
}

/**
 * A lab as saved on disk (`<state dir>/labs/<lab>.json`): its settings (with weights as tuned
 * live), the nginx.conf it was imported from, and its last run. The CLI's `export` reads it.
 */
export const labRecord = z.object({
  version: z.literal(1),
  settings: z.preprocess(upgradeSettings, labSettings),
  /** The imported nginx.conf text and file name, if the lab came from one. */
  importedConfig: z.object({ text: z.string(), file: z.string() }).nullable(),
  lastRun: runRecord.nullable(),
  savedAt: z.number(),
});

export type LabRecord = z.infer<typeof labRecord>;
