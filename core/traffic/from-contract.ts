import type { TrafficOptions } from '../api/contract';
import type { TrafficGeneratorOptions } from './types';

/** The dashboard's `traffic.start` input, aimed at the balancer at `baseUrl` (`http://127.0.0.1:8080`). */
export function generatorOptionsFor(baseUrl: string, options: TrafficOptions): TrafficGeneratorOptions {
  return {
    // Appended, not resolved: a path like `//other-host/` must not leave the balancer.
    url: new URL(`${new URL(baseUrl).origin}${options.path}`).href,
    rate: options.rate,
    concurrency: options.concurrency,
    method: options.method,
    durationMs: options.durationSec * 1000,
  };
}
