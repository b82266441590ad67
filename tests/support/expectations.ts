import { isDeepStrictEqual } from 'node:util';
import type { Observation } from './observation';

/**
 * Expected observations, written in the spec's §10 notation:
 *
 *   `A`                       200, served by A, one attempt: [A] (200)
 *   `200 C [B,C] (502,200)`   status, server, `$upstream_addr`, `$upstream_status`
 *   `500 "A-500" [A]`         a JSON-quoted body instead of a server id
 *   `502 [backend]`           nginx's own page (servedBy null); one address implies (status)
 *   `<A,B>` / `<>`            the backends that accepted a connection during the request
 *   `~1s`                     elapsed about 1 s (−100 ms … +900 ms); `fast`: under 700 ms
 *
 * Parts left out are not checked. An object gives any fields of Observation directly.
 */
export type Expectation = string | ExpectedObservation;

export interface ExpectedObservation extends Partial<Omit<Observation, 'elapsedMs'>> {
  /** Inclusive range in milliseconds. */
  elapsedMs?: [number, number];
}

const TOKEN = /"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\([^)]*\)|<[^>]*>|\S+/g;
const list = (inner: string): string[] => (inner.trim() === '' ? [] : inner.split(',').map((s) => s.trim()));

export function parseExpectation(notation: string): ExpectedObservation {
  const out: ExpectedObservation = {};
  for (const token of notation.match(TOKEN) ?? []) {
    if (/^\d{3}$/.test(token)) out.status = Number(token);
    else if (/^[A-D]$/.test(token)) {
      out.servedBy = token;
      out.body = token;
    } else if (token.startsWith('"')) {
      out.body = JSON.parse(token) as string;
      out.servedBy = /^[A-D]$/.test(out.body) ? out.body : null;
    } else if (token.startsWith('[')) out.upstreamAddrs = list(token.slice(1, -1));
    else if (token.startsWith('(')) out.upstreamStatuses = list(token.slice(1, -1));
    else if (token.startsWith('<')) out.backendHits = list(token.slice(1, -1));
    else if (token === 'fast') out.elapsedMs = [0, 700];
    else if (/^~\d+(\.\d+)?s$/.test(token)) {
      const ms = Number(token.slice(1, -1)) * 1000;
      out.elapsedMs = [ms - 100, ms + 900];
    } else throw new Error(`bad expectation token ${JSON.stringify(token)} in ${JSON.stringify(notation)}`);
  }
  if (out.servedBy === undefined && out.status !== undefined) out.servedBy = null;
  if (out.status === undefined && out.servedBy) out.status = 200;
  if (out.upstreamAddrs === undefined && out.servedBy) out.upstreamAddrs = [out.servedBy];
  if (out.upstreamStatuses === undefined && out.upstreamAddrs?.length === 1 && out.status !== undefined) {
    out.upstreamStatuses = [String(out.status)];
  }
  return out;
}

export const toExpected = (expectation: Expectation): ExpectedObservation =>
  typeof expectation === 'string' ? parseExpectation(expectation) : expectation;

/** Field-by-field mismatches of `actual` against the fields `expected` mentions. */
export function mismatches(expectation: Expectation, actual: Observation): string[] {
  const expected = toExpected(expectation);
  const out: string[] = [];
  for (const [key, want] of Object.entries(expected) as Array<[keyof ExpectedObservation, unknown]>) {
    const got = actual[key];
    if (key === 'elapsedMs') {
      const [min, max] = want as [number, number];
      if (actual.elapsedMs < min || actual.elapsedMs > max)
        out.push(`elapsedMs ${got} not in [${min}, ${max}]`);
    } else if (!isDeepStrictEqual(got, want)) {
      out.push(`${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
  return out;
}
