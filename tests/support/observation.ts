import { isDeepStrictEqual } from 'node:util';
import type { RawResponse } from './client';

/** What one client request showed (§0 of the spec), with backend ports mapped back to letters. */
export interface Observation {
  /** null: the response had no status line (an HTTP/0.9 upstream answer passed through). */
  status: number | null;
  /** The backend id if the body is one (`A`…`D`), else null. */
  servedBy: string | null;
  /** The body: a backend id, `A-500`, nginx's error page, or (echo) the request the upstream received. */
  body: string;
  /** `$upstream_addr` as letters, or the group name (`backend`) for "no live upstreams". */
  upstreamAddrs: string[] | null;
  upstreamStatuses: string[] | null;
  /** 1xx responses before the final one. */
  interim: number[];
  /** Backends that accepted a connection during this request, in order (null inside `parallel`). */
  backendHits: string[] | null;
  elapsedMs: number;
}

export function observe(
  response: RawResponse,
  nameOf: (address: string) => string,
  backendHits: string[] | null,
): Observation {
  const list = (header: string | undefined): string[] | null =>
    header === undefined ? null : header.split(',').map((item) => item.trim());
  const addrs = list(response.headers['x-up-addr']);
  return {
    status: response.status,
    servedBy: /^[A-D]$/.test(response.body) ? response.body : null,
    body: response.body,
    upstreamAddrs: addrs && addrs.map(nameOf),
    upstreamStatuses: list(response.headers['x-up-status']),
    interim: response.interim,
    backendHits,
    elapsedMs: response.elapsedMs,
  };
}

/** The spec's notation: `200 C [B,C] (502,200)`, plus `<hits>` and the time. */
export function formatObservation(obs: Observation): string {
  const parts: string[] = [obs.status === null ? 'HTTP/0.9' : String(obs.status)];
  if (obs.servedBy !== null) parts.push(obs.servedBy);
  else if (errorPageTitle(obs) === undefined) parts.push(JSON.stringify(shorten(obs.body)));
  if (obs.upstreamAddrs) parts.push(`[${obs.upstreamAddrs.join(',')}]`);
  if (obs.upstreamStatuses) parts.push(`(${obs.upstreamStatuses.join(',')})`);
  if (obs.interim.length > 0) parts.push(`interim=${obs.interim.join(',')}`);
  if (obs.backendHits) parts.push(`<${obs.backendHits.join(',')}>`);
  parts.push(`${obs.elapsedMs}ms`);
  return parts.join(' ');
}

const shorten = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

/** `502 Bad Gateway` for nginx's own error page, else undefined. */
export function errorPageTitle(obs: Pick<Observation, 'body'>): string | undefined {
  return /^<html>\r?\n<head><title>([^<]*)<\/title>/.exec(obs.body)?.[1];
}

/**
 * What must be identical between nginx and ours for the same steps. nginx's error pages compare by
 * title (the server token may differ); times compare loosely (see `sameObservation`).
 */
export function comparable(obs: Observation): Omit<Observation, 'elapsedMs'> {
  const { elapsedMs: _elapsed, ...rest } = obs;
  const title = errorPageTitle(obs);
  return title === undefined ? rest : { ...rest, body: `<nginx error page: ${title}>` };
}

/** Max difference in elapsed time between nginx and ours for the same request. */
export const ELAPSED_TOLERANCE_MS = 750;

export function differences(nginx: Observation, ours: Observation): string[] {
  const a = comparable(nginx);
  const b = comparable(ours);
  const out: string[] = [];
  for (const key of Object.keys(a) as Array<keyof typeof a>) {
    if (!isDeepStrictEqual(a[key], b[key])) {
      out.push(`${key}: nginx ${JSON.stringify(a[key])}, ours ${JSON.stringify(b[key])}`);
    }
  }
  if (Math.abs(nginx.elapsedMs - ours.elapsedMs) > ELAPSED_TOLERANCE_MS) {
    out.push(`elapsedMs: nginx ${nginx.elapsedMs}, ours ${ours.elapsedMs}`);
  }
  return out;
}
