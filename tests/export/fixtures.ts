import type { LabSettings, MetricsSample, TimelineEvent } from '../../core/api/contract';
import { DEFAULT_SETTINGS } from '../../core/app/lab-config';
import type { BackendTotals, LabRecord, RunRecord } from '../../core/state/lab-record';
import { seedText } from '../nginx/support/fixtures';

export const STARTED_AT = Date.UTC(2025, 2, 1, 10, 0, 0);
const at = (sec: number): number => STARTED_AT + Math.round(sec * 1000);

export const TUNED_SETTINGS: LabSettings = {
  ...DEFAULT_SETTINGS,
  lab: 'course-lab',
  registryMirrors: ['docker.arvancloud.ir'],
  pipIndex: 'https://mirror-pypi.runflare.com/simple',
  backends: {
    backend1: { weight: 3 },
    backend2: { weight: 2, maxFails: 2 },
    backend3: { failTimeoutSec: 10 },
  },
};

/** Per second: backend2 killed at 20 s (failures until it is marked failed at 22 s), restored at 40 s. */
function second(i: number): MetricsSample {
  let served: Record<string, number>;
  let failed = 0;
  if (i < 20 || i > 40) served = { backend1: 30 + (i % 3) - 1, backend2: 20 + (i % 2), backend3: 10 };
  else if (i <= 22) {
    failed = 23 - i;
    served = { backend1: 42, backend3: 14 };
  } else if (i < 40) served = { backend1: 45, backend3: 15 };
  else served = { backend1: 38, backend2: 6, backend3: 12 };
  const ok = Object.values(served).reduce((a, b) => a + b, 0);
  return {
    t: at(i),
    perBackend: served,
    statuses: failed > 0 ? { '200': ok, '502': failed } : { '200': ok },
    failed,
  };
}

export const METRICS: MetricsSample[] = Array.from({ length: 60 }, (_, i) => second(i));

export const TIMELINE: TimelineEvent[] = [
  { t: at(20.4), backend: 'backend2', kind: 'killed', detail: 'docker kill course-lab-backend2' },
  { t: at(20.41), backend: 'backend2', kind: 'first-failed-attempt', detail: '502 connect() refused' },
  { t: at(22.1), backend: 'backend2', kind: 'marked-failed', detail: 'max_fails=2 reached' },
  { t: at(40.2), backend: 'backend2', kind: 'restored', detail: 'docker start course-lab-backend2' },
  { t: at(40.9), backend: 'backend2', kind: 'first-served', detail: 'GET / 200' },
];

export const served = (name: string): number =>
  METRICS.reduce((sum, m) => sum + (m.perBackend[name] ?? 0), 0);

function statusTotals(): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const m of METRICS)
    for (const [code, n] of Object.entries(m.statuses)) totals[code] = (totals[code] ?? 0) + n;
  return totals;
}

const failedTotal = (): number => METRICS.reduce((sum, m) => sum + m.failed, 0);

function totals(name: string, params: Omit<BackendTotals, 'name' | 'requests'>): BackendTotals {
  return { name, requests: served(name), ...params };
}

export const TRAFFIC_SUMMARY = {
  url: 'http://127.0.0.1:8080/',
  method: 'GET',
  mode: 'open',
  rate: 60,
  concurrency: null,
  startedAt: STARTED_AT,
  elapsedSec: 60,
  sent: 3600,
  completed: 3600,
  ok: 3594,
  failed: 6,
  dropped: 0,
  late: 0,
  aborted: 0,
  rps: 60,
  successRate: 3594 / 3600,
  latencyMs: {
    min: 1.1,
    mean: 4.2,
    stdev: 2.1,
    p50: 3.8,
    p90: 6.5,
    p95: 8.1,
    p99: 14.2,
    p999: 30.5,
    max: 41.7,
  },
  uncorrectedLatencyMs: null,
  histogram: [],
  statuses: { '200': 3594, '502': 6 },
  errors: {},
  perBackend: { backend1: served('backend1'), backend2: served('backend2'), backend3: served('backend3') },
};

export const RUN: RunRecord = {
  startedAt: STARTED_AT,
  endedAt: at(60),
  url: 'http://127.0.0.1:8080',
  image: 'upstream-lab/course-lab:latest (0123456789ab)',
  baseImages: ['docker.arvancloud.ir/python:3.13-slim'],
  metrics: METRICS,
  metricsDropped: 0,
  timeline: TIMELINE,
  timelineDropped: 0,
  statuses: statusTotals(),
  failed: failedTotal(),
  backends: [
    totals('backend1', {
      failedAttempts: 0,
      avgMs: 3.2,
      p95Ms: 7.9,
      weight: 3,
      maxFails: 3,
      failTimeoutSec: 30,
      backup: false,
    }),
    totals('backend2', {
      failedAttempts: 6,
      avgMs: 3.5,
      p95Ms: 8.4,
      weight: 2,
      maxFails: 2,
      failTimeoutSec: 30,
      backup: false,
    }),
    totals('backend3', {
      failedAttempts: 0,
      avgMs: 2.9,
      p95Ms: 6.8,
      weight: 1,
      maxFails: 3,
      failTimeoutSec: 10,
      backup: false,
    }),
  ],
  traffic: TRAFFIC_SUMMARY,
  trafficRuns: [TRAFFIC_SUMMARY],
};

export function labRecord(overrides: Partial<LabRecord> = {}): LabRecord {
  return {
    version: 1,
    settings: structuredClone(TUNED_SETTINGS),
    importedConfig: null,
    lastRun: structuredClone(RUN),
    savedAt: at(61),
    ...overrides,
  };
}

export const EVIL = '<script>alert("x")</script> & \'quotes\'';

/** Strings from config files and the engine, made to break out of HTML if a report forgot to escape. */
export function maliciousRecord(): LabRecord {
  const record = labRecord();
  const run = record.lastRun!;
  const evilBackend = `evil${EVIL}`;
  run.metrics[5]!.perBackend[evilBackend] = 4;
  run.backends.push({ ...run.backends[2]!, name: evilBackend, requests: 4 });
  run.timeline.push({ t: at(30), backend: evilBackend, kind: 'joined', detail: EVIL });
  run.image = `upstream-lab/${EVIL}`;
  record.importedConfig = { text: SEED_NGINX_CONF, file: `/home/student/${EVIL}.conf` };
  return record;
}

/** The course's nginx.conf (Experiment05-Docker), as a student would import it. */
export const SEED_NGINX_CONF = seedText();
