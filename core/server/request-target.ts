/** A request target the dashboard can answer: origin-form, its path decoded. */
export interface RequestTarget {
  /** Decoded path, e.g. `/assets/index.js`. */
  path: string;
  /** The path as sent (still %-encoded); routes match on it. */
  rawPath: string;
  query: URLSearchParams;
}

/**
 * Parses an origin-form target (`/path?query`), or null for anything else: absolute-form, `*`,
 * bad %-escapes, NUL. The base is prefixed rather than passed as `new URL`'s second argument, so
 * `//x` stays a path instead of naming a host.
 */
export function parseTarget(target: string | undefined): RequestTarget | null {
  if (!target?.startsWith('/')) return null;
  let url: URL;
  try {
    url = new URL(`http://dashboard${target}`);
  } catch {
    return null;
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  return { path, rawPath: url.pathname, query: url.searchParams };
}
