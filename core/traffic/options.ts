import { defaultBackendExtractor, type BackendExtractor } from './backend-extractor';
import { requestBytes } from './request-bytes';
import type { TrafficGeneratorOptions } from './types';

/** Options that can't describe a run: the message says what to change. */
export class TrafficOptionsError extends Error {
  override name = 'TrafficOptionsError';
}

export interface ResolvedOptions {
  url: URL;
  host: string;
  port: number;
  method: string;
  request: Buffer;
  rate: number | null;
  concurrency: number | null;
  durationMs: number;
  timeoutMs: number;
  maxConnections: number;
  maxInFlight: number;
  backendExtractor: BackendExtractor;
  successLatencyOnly: boolean;
  sampleIntervalMs: number;
}

export function resolveOptions(options: TrafficGeneratorOptions): ResolvedOptions {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TrafficOptionsError(`"${options.url}" is not a URL`);
  }
  if (url.protocol !== 'http:') throw new TrafficOptionsError(`only http:// URLs, not ${url.protocol}//`);
  const { rate, concurrency } = options;
  if ((rate === undefined) === (concurrency === undefined))
    throw new TrafficOptionsError('give exactly one of rate (open loop) or concurrency (closed loop)');
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0))
    throw new TrafficOptionsError(`rate must be a positive number of requests per second, not ${rate}`);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1))
    throw new TrafficOptionsError(`concurrency must be a whole number ≥ 1, not ${concurrency}`);
  const durationMs = nonNegative('duration', options.durationMs ?? 0);
  const method = (options.method ?? 'GET').toUpperCase();
  const headers = Array.isArray(options.headers)
    ? (options.headers as readonly (readonly [string, string])[])
    : Object.entries(options.headers ?? {});
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : (options.body ?? null);
  let request: Buffer;
  try {
    request = requestBytes({ url, method, headers, body });
  } catch (error) {
    throw new TrafficOptionsError((error as Error).message);
  }
  return {
    url,
    // URL keeps the brackets of an IPv6 literal; net.connect wants it bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 80 : Number(url.port),
    method,
    request,
    rate: rate ?? null,
    concurrency: concurrency ?? null,
    durationMs,
    timeoutMs: positive('timeout', options.timeoutMs ?? 10_000),
    maxConnections: positive('maxConnections', options.maxConnections ?? 1000),
    maxInFlight: positive('maxInFlight', options.maxInFlight ?? 10_000),
    backendExtractor: options.backendExtractor ?? defaultBackendExtractor,
    successLatencyOnly: options.successLatencyOnly ?? false,
    sampleIntervalMs: positive('sampleIntervalMs', options.sampleIntervalMs ?? 1000),
  };
}

function nonNegative(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0))
    throw new TrafficOptionsError(`${name} must be ≥ 0, not ${value}`);
  return value;
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new TrafficOptionsError(`${name} must be > 0, not ${value}`);
  return value;
}
