import { Counter, Gauge, Registry } from 'prom-client';
import { BACKEND_STATES, type LabView } from '../api/contract';
import type { BackendStats } from './backend-stats';

/**
 * The lab's figures in Prometheus text format, for `/metrics` on the headless server. Values are
 * read from the App when scraped; nothing is counted twice.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();

  constructor(view: () => LabView, stats: () => BackendStats | null) {
    const registers = [this.registry];
    const backends = (): LabView['backends'] => view().backends;
    new Counter({
      name: 'upstream_lab_backend_requests_total',
      help: 'Requests a backend served through the balancer since the lab started.',
      labelNames: ['backend'],
      registers,
      collect() {
        this.reset();
        for (const b of backends()) this.inc({ backend: b.name }, b.requests);
      },
    });
    new Gauge({
      name: 'upstream_lab_backend_up',
      help: 'Whether the backend is in rotation (1) or not (0).',
      labelNames: ['backend'],
      registers,
      collect() {
        this.reset();
        for (const b of backends()) this.set({ backend: b.name }, b.state === 'up' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'upstream_lab_backend_state',
      help: 'The backend state shown in the dashboard: 1 for the current state.',
      labelNames: ['backend', 'state'],
      registers,
      collect() {
        this.reset();
        for (const b of backends())
          for (const state of BACKEND_STATES) this.set({ backend: b.name, state }, b.state === state ? 1 : 0);
      },
    });
    const perBackend = (
      name: string,
      help: string,
      pick: (b: LabView['backends'][number]) => number | null,
    ): void =>
      void new Gauge({
        name,
        help,
        labelNames: ['backend'],
        registers,
        collect() {
          this.reset();
          for (const b of backends()) {
            const value = pick(b);
            if (value !== null) this.set({ backend: b.name }, value);
          }
        },
      });
    perBackend('upstream_lab_backend_active_requests', 'Requests in flight to the backend.', (b) => b.active);
    perBackend('upstream_lab_backend_weight', 'The backend weight.', (b) => b.weight);
    perBackend(
      'upstream_lab_backend_fails',
      "nginx's failure count (max_fails bookkeeping).",
      (b) => b.fails,
    );
    perBackend(
      'upstream_lab_backend_share',
      'Share of requests served in the last 10 s (0..1).',
      (b) => b.share,
    );
    perBackend('upstream_lab_backend_latency_avg_seconds', 'Average upstream time, recent requests.', (b) =>
      b.avgMs === null ? null : b.avgMs / 1000,
    );
    perBackend(
      'upstream_lab_backend_latency_p95_seconds',
      '95th percentile upstream time, recent requests.',
      (b) => (b.p95Ms === null ? null : b.p95Ms / 1000),
    );
    new Counter({
      name: 'upstream_lab_responses_total',
      help: 'Responses the balancer sent to clients, by status code.',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        for (const [status, n] of Object.entries(stats()?.totals.statuses ?? {})) this.inc({ status }, n);
      },
    });
    new Counter({
      name: 'upstream_lab_unserved_requests_total',
      help: 'Requests no backend answered (the balancer sent its own 502/504).',
      registers,
      collect() {
        this.reset();
        this.inc(stats()?.totals.failed ?? 0);
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
