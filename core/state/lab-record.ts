import { z } from 'zod';
import { labSettings, type MetricsSample, type TimelineEvent } from '../api/contract';

/** Per-backend totals of a run. */
export interface BackendTotals {
  name: string;
  requests: number;
  failedAttempts: number;
  avgMs: number | null;
  p95Ms: number | null;
  weight: number;
  maxFails: number;
  failTimeoutSec: number;
  backup: boolean;
}

/** What a run leaves for its report: the per-second series, the timeline, totals. */
export interface RunRecord {
  startedAt: number;
  endedAt: number | null;
  /** Balancer URL, e.g. http://127.0.0.1:8080. */
  url: string | null;
  image: string | null;
  metrics: MetricsSample[];
  timeline: TimelineEvent[];
  backends: BackendTotals[];
  /** The traffic generator's last summary, if it ran (its shape: core/traffic TrafficSummary). */
  traffic: unknown;
}

/**
 * A lab as saved on disk (`<state dir>/labs/<lab>.json`): its settings (with weights as tuned
 * live), the nginx.conf it was imported from, and its last run. The CLI's `export` reads it.
 */
export const labRecord = z.object({
  version: z.literal(1),
  settings: labSettings,
  /** The imported nginx.conf text and file name, if the lab came from one. */
  importedConfig: z.object({ text: z.string(), file: z.string() }).nullable(),
  lastRun: z.unknown().nullable(),
  savedAt: z.number(),
});

export type LabRecord = Omit<z.infer<typeof labRecord>, 'lastRun'> & { lastRun: RunRecord | null };
