/** A response as an extractor sees it. */
export interface ResponseForExtractor {
  status: number;
  /** Flat [name, value, name, value, ...] in arrival order and case. */
  headers: readonly string[];
  /** The body when it is at most `maxBodyBytes`, else null. */
  body: Buffer | null;
}

/** Tells which backend served a response, for the per-backend distribution. */
export interface BackendExtractor {
  /** Largest body worth keeping for `extract`; 0 = headers only (cheapest). */
  readonly maxBodyBytes: number;
  extract(response: ResponseForExtractor): string | null;
}

const OPEN_BRACE = 0x7b;
const BACKEND_HEADERS = ['x-upstream-backend', 'x-up-addr'];

/** `{"backend": "backend2", ...}` in a small JSON body (the sample Django backend), else a header. */
export const defaultBackendExtractor: BackendExtractor = {
  maxBodyBytes: 4096,
  extract(response) {
    return (response.body && jsonBackend(response.body)) ?? headerValue(response.headers, BACKEND_HEADERS);
  },
};

/** Only the headers: X-Upstream-Backend, then X-Up-Addr. */
export const headerBackendExtractor: BackendExtractor = {
  maxBodyBytes: 0,
  extract: (response) => headerValue(response.headers, BACKEND_HEADERS),
};

function jsonBackend(body: Buffer): string | null {
  // Skip JSON.parse for bodies that can't be an object.
  let i = 0;
  while (i < body.length && body[i]! <= 0x20) i++;
  if (body[i] !== OPEN_BRACE) return null;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    const backend = (value as { backend?: unknown } | null)?.backend;
    return typeof backend === 'string' && backend !== '' ? backend : null;
  } catch {
    return null;
  }
}

/** The first of `lowerNames` present in a flat header list, for extractors of your own. */
export function headerValue(headers: readonly string[], lowerNames: readonly string[]): string | null {
  for (const wanted of lowerNames) {
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!;
      if (name.length === wanted.length && name.toLowerCase() === wanted) return headers[i + 1] || null;
    }
  }
  return null;
}
