import { z } from 'zod';
import { TIMELINE_KINDS } from '../api/contract';
import type { LabRecord, RunRecord } from '../state/lab-record';
import { ExportError } from './errors';

const counts = z.record(z.string(), z.number().nonnegative());

const metricsSample = z.object({ t: z.number(), perBackend: counts, statuses: counts, failed: z.number() });

const timelineEvent = z.object({
  t: z.number(),
  backend: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  detail: z.string(),
});

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

const runRecord = z.object({
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  url: z.string().nullable(),
  image: z.string().nullable(),
  metrics: z.array(metricsSample),
  timeline: z.array(timelineEvent),
  backends: z.array(backendTotals),
  traffic: z.unknown(),
});

/**
 * The record's last run, checked: the lab file's schema leaves `lastRun` unchecked, and a
 * hand-edited file must give a message, not a TypeError halfway through a report.
 */
export function lastRunOf(record: LabRecord): RunRecord | null {
  if (record.lastRun === null || record.lastRun === undefined) return null;
  const parsed = runRecord.safeParse(record.lastRun);
  if (parsed.success) return { ...parsed.data, traffic: parsed.data.traffic ?? null };
  const problems = parsed.error.issues.map((i) => `${['lastRun', ...i.path].join('.')}: ${i.message}`);
  throw new ExportError(`the lab's last run cannot be read (${problems.slice(0, 3).join('; ')})`);
}
