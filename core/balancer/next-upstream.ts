import type { NextUpstreamCondition } from './config';

/** nginx's `NGX_HTTP_UPSTREAM_FT_*` bits: what went wrong with one attempt. */
export const FT = {
  error: 0x2,
  timeout: 0x4,
  invalid_header: 0x8,
  http_500: 0x10,
  http_502: 0x20,
  http_503: 0x40,
  http_504: 0x80,
  http_403: 0x100,
  http_404: 0x200,
  http_429: 0x400,
  non_idempotent: 0x4000,
  /** "no live upstreams": never in a mask, so it always ends the request. */
  nolive: 0x40000000,
} as const;

export function maskOf(conditions: readonly NextUpstreamCondition[]): number {
  let mask = 0;
  for (const c of conditions) mask |= FT[c];
  return mask;
}

/** Statuses a complete upstream header can be retried on (`ngx_http_upstream_next_errors`). */
export const RETRYABLE_STATUS: ReadonlyMap<number, number> = new Map([
  [500, FT.http_500],
  [502, FT.http_502],
  [503, FT.http_503],
  [504, FT.http_504],
  [403, FT.http_403],
  [404, FT.http_404],
  [429, FT.http_429],
]);

/** The status nginx gives the client when it stops after a failure of kind `ft`. */
export function statusFor(ft: number): number {
  switch (ft) {
    case FT.timeout:
    case FT.http_504:
      return 504;
    case FT.http_500:
      return 500;
    case FT.http_503:
      return 503;
    case FT.http_403:
      return 403;
    case FT.http_404:
      return 404;
    case FT.http_429:
      return 429;
    default:
      return 502;
  }
}

/** Requests nginx never retries once any byte of them has been sent (since 1.9.13). */
export function isNonIdempotent(method: string | undefined): boolean {
  return method === 'POST' || method === 'PATCH' || method === 'LOCK';
}
