import { z } from 'zod';

const counts = z.record(z.string(), z.number());

const latency = z.object({
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
});

/** The parts of core/traffic's TrafficSummary a report shows. */
const trafficSummary = z.object({
  url: z.string(),
  method: z.string(),
  mode: z.enum(['open', 'closed']),
  rate: z.number().nullable(),
  concurrency: z.number().nullable(),
  /** Epoch ms; older saved files lack it. */
  startedAt: z.number().optional(),
  elapsedSec: z.number(),
  sent: z.number(),
  completed: z.number(),
  ok: z.number(),
  failed: z.number(),
  /** In flight when the run was stopped (the balancer logs them as 499). */
  aborted: z.number().default(0),
  rps: z.number(),
  successRate: z.number().nullable(),
  latencyMs: latency.nullable(),
  statuses: counts,
  errors: counts,
  perBackend: counts,
});

export type TrafficSummaryView = z.infer<typeof trafficSummary>;

/** The run's traffic summary when it has the expected shape (it is stored untyped), else null. */
export function readTrafficSummary(value: unknown): TrafficSummaryView | null {
  const parsed = trafficSummary.safeParse(value);
  return parsed.success ? parsed.data : null;
}
