/**
 * nginx 1.22's own checks of a request head, for what Node's parser (llhttp) lets through: the
 * header buffers (`client_header_buffer_size 1k`, `large_client_header_buffers 4 8k`), the HTTP
 * version, the URI, Host, repeated single-value headers, Transfer-Encoding and the TRACE and
 * CONNECT methods. Each check returns 0 when nginx goes on with the request, else the status it
 * answers, in nginx's order: the request line (414, 400, 505), the header lines (400), then the
 * head as a whole (400, 501, 405).
 *
 * A well-formed request costs a few length reads per header: the URI is only looked at closely
 * when it has a `%` or a `/.`, or is not a plain path.
 */

/** A request head: an IncomingMessage, or one read from raw bytes after a parse error. */
export interface RequestHead {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  /** Names and values as received: name, value, name, value... */
  readonly rawHeaders: readonly string[];
}

/** client_header_buffer_size: the buffer a request starts in. */
const FIRST_BUFFER = 1024;
/** large_client_header_buffers 4 8k: a line must fit one; a head may use four. */
export const LARGE_BUFFER = 8192;
const LARGE_BUFFERS = 4;
/** Debian's nginx 1.22.1 (deb12u11) refuses a head with more header lines ("too many header lines"). */
const MAX_HEADER_LINES = 1000;

/**
 * The most bytes a head nginx accepts can have. Node's parser is given this limit (it counts only
 * the URI, names and values): whatever it refuses as too large, nginx refuses too.
 */
export const MAX_HEAD_BYTES = FIRST_BUFFER + LARGE_BUFFERS * LARGE_BUFFER;

const SLASH = 0x2f;

/** The status nginx answers this head with, or 0 if it proxies it. */
export function headStatus(head: RequestHead): number {
  const method = head.method ?? '';
  const url = head.url ?? '';
  // Errors in an absolute URI's scheme, host or port are found while the line is read.
  const syntax = targetSyntax(url);
  if (syntax !== 0) return syntax;
  // "METHOD SP URI SP HTTP/x.y CRLF" must fit one large buffer.
  const line = method.length + url.length + 12;
  if (line > LARGE_BUFFER) return 414;
  const major = head.httpVersionMajor;
  if (major !== 1) return major === 0 ? 400 : 505;
  const uri = uriStatus(url);
  if (uri !== 0) return uri;

  // The header lines fill the buffers in order: a line that does not fit the rest of the current
  // one moves to a new large buffer; past four, or a line longer than one, the head is refused.
  let capacity = FIRST_BUFFER;
  let used = line;
  let busy = 0;
  if (line > FIRST_BUFFER) {
    capacity = LARGE_BUFFER;
    busy = 1;
  }
  const raw = head.rawHeaders;
  if (raw.length > 2 * MAX_HEADER_LINES) return 494;
  let seen = 0;
  let transferEncoding: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const length = name.length + value.length + 4;
    if (used + length <= capacity) used += length;
    else if (length > LARGE_BUFFER || busy === LARGE_BUFFERS) return 494;
    else {
      busy++;
      capacity = LARGE_BUFFER;
      used = length;
    }
    const bit = singleValueHeader(name);
    if (bit === 0) continue;
    // "client sent duplicate header line" / "client sent duplicate host header"
    if ((seen & bit) !== 0) return 400;
    seen |= bit;
    if (bit === HOST) {
      if (!validHost(value)) return 400;
    } else if (bit === TRANSFER_ENCODING) transferEncoding = value;
    // Node's parser checks it, but not for every method.
    else if (bit === CONTENT_LENGTH && !validContentLength(value)) return 400;
  }
  // The empty line that ends the head needs room too.
  if (used + 2 > capacity && busy === LARGE_BUFFERS) return 494;

  if ((seen & HOST) === 0 && head.httpVersionMinor >= 1) return 400;
  if (transferEncoding !== undefined) {
    if (head.httpVersionMinor === 0) return 400;
    if (transferEncoding.length !== 7 || transferEncoding.toLowerCase() !== 'chunked') return 501;
    if ((seen & CONTENT_LENGTH) !== 0) return 400;
  }
  if (method === 'TRACE' || method === 'CONNECT') return 405;
  return 0;
}

const HOST = 1;
const CONTENT_LENGTH = 2;
const TRANSFER_ENCODING = 4;

/**
 * Headers nginx takes once only (ngx_http_process_host / ngx_http_process_unique_header_line and
 * Transfer-Encoding); a bit for each, 0 for the others.
 */
function singleValueHeader(name: string): number {
  switch (name.length) {
    case 4:
      return name.toLowerCase() === 'host' ? HOST : 0;
    case 6:
      return name.toLowerCase() === 'expect' ? 8 : 0;
    case 8: {
      const lower = name.toLowerCase();
      return lower === 'if-match' ? 16 : lower === 'if-range' ? 32 : 0;
    }
    case 13: {
      const lower = name.toLowerCase();
      if (lower === 'authorization') return 64;
      if (lower === 'content-range') return 128;
      return lower === 'if-none-match' ? 256 : 0;
    }
    case 14:
      return name.toLowerCase() === 'content-length' ? CONTENT_LENGTH : 0;
    case 17: {
      const lower = name.toLowerCase();
      if (lower === 'transfer-encoding') return TRANSFER_ENCODING;
      return lower === 'if-modified-since' ? 512 : 0;
    }
    case 19:
      return name.toLowerCase() === 'if-unmodified-since' ? 1024 : 0;
    default:
      return 0;
  }
}

/** nginx's `ngx_atoof`: digits only, at most 2^63 − 1. */
function validContentLength(value: string): boolean {
  if (!/^\d+$/.test(value)) return false;
  const digits = value.replace(/^0+(?=\d)/, '');
  return digits.length < 19 || (digits.length === 19 && digits <= '9223372036854775807');
}

/**
 * `ngx_http_validate_host`: no `/`, no whitespace or control character, no `..`, and something
 * left once the port and a trailing dot are taken off (`[...]` is an IPv6 literal).
 */
export function validHost(host: string): boolean {
  let dot = -2;
  let length = host.length;
  let state: 'usual' | 'literal' | 'rest' = 'usual';
  for (let i = 0; i < host.length; i++) {
    const ch = host.charCodeAt(i);
    if (ch === 0x2e) {
      if (dot === i - 1) return false;
      dot = i;
    } else if (ch === 0x3a) {
      if (state === 'usual') {
        length = i;
        state = 'rest';
      }
    } else if (ch === 0x5b) {
      if (i === 0) state = 'literal';
    } else if (ch === 0x5d) {
      if (state === 'literal') {
        length = i + 1;
        state = 'rest';
      }
    } else if (ch === SLASH || ch <= 0x20 || ch === 0x7f) return false;
  }
  if (dot === length - 1) length--;
  return length > 0;
}

/** The request target after the line was read: the request-line host, then the path. */
export function uriStatus(url: string): number {
  if (url.charCodeAt(0) === SLASH) {
    return url.indexOf('%') === -1 && url.indexOf('/.') === -1 ? 0 : pathStatus(url, 0);
  }
  const host = absoluteUriHost(url);
  if (host === null) return 400;
  if (!validHost(url.slice(host.start, host.end))) return 400;
  return host.path === -1 ? 0 : pathStatus(url, host.path);
}

/**
 * nginx's `ngx_http_parse_complex_uri` on the path that starts at `start`: it ends at `?` or `#`;
 * `%XX` is decoded (a bad escape or `%00` is an invalid request, a decoded `/` separates segments);
 * `.` and `..` segments are resolved and a `..` above the root is an invalid request.
 */
function pathStatus(url: string, start: number): number {
  let end = url.length;
  for (let i = start; i < end; i++) {
    const ch = url.charCodeAt(i);
    if (ch === 0x3f || ch === 0x23) end = i;
  }
  let depth = 0;
  let segment = '';
  for (let i = start + 1; i <= end; i++) {
    let ch = i === end ? SLASH : url.charCodeAt(i);
    if (ch === 0x25 && i < end) {
      const hi = hexValue(url.charCodeAt(i + 1));
      const lo = i + 2 < end ? hexValue(url.charCodeAt(i + 2)) : -1;
      if (i + 1 >= end || hi === -1 || lo === -1) return 400;
      ch = hi * 16 + lo;
      if (ch === 0) return 400;
      i += 2;
    }
    if (ch !== SLASH) {
      segment += String.fromCharCode(ch);
      continue;
    }
    if (segment === '..') {
      if (depth === 0) return 400;
      depth--;
    } else if (segment !== '' && segment !== '.') depth++;
    segment = '';
  }
  return 0;
}

function hexValue(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  const lower = ch | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * 400 when a request target that is not a path breaks nginx's grammar for an absolute URI
 * (`scheme://host[:port][/path][?args]`), else 0.
 */
export function targetSyntax(url: string): number {
  return url.charCodeAt(0) === SLASH || absoluteUriHost(url) !== null ? 0 : 400;
}

/** Where the host and the path of an absolute URI are; null if nginx refuses its syntax. */
function absoluteUriHost(url: string): { start: number; end: number; path: number } | null {
  let i = 0;
  if (!isLetter(url.charCodeAt(0))) return null;
  while (i < url.length && isSchemeChar(url.charCodeAt(i))) i++;
  if (!url.startsWith('://', i)) return null;
  const start = i + 3;
  i = start;
  if (url.charCodeAt(i) === 0x5b) {
    for (i++; i < url.length && url.charCodeAt(i) !== 0x5d; i++) {
      if (!isLiteralChar(url.charCodeAt(i))) return null;
    }
    if (i === url.length) return null;
    i++;
  } else {
    while (i < url.length && isHostChar(url.charCodeAt(i))) i++;
  }
  const end = i;
  if (url.charCodeAt(i) === 0x3a) {
    for (i++; i < url.length && isDigit(url.charCodeAt(i)); i++);
  }
  if (i === url.length) return { start, end, path: -1 };
  const ch = url.charCodeAt(i);
  if (ch === SLASH) return { start, end, path: i };
  return ch === 0x3f ? { start, end, path: -1 } : null;
}

const isDigit = (ch: number): boolean => ch >= 0x30 && ch <= 0x39;
const isLetter = (ch: number): boolean => (ch | 0x20) >= 0x61 && (ch | 0x20) <= 0x7a;
const isSchemeChar = (ch: number): boolean =>
  isLetter(ch) || isDigit(ch) || ch === 0x2b || ch === 0x2d || ch === 0x2e;
const isHostChar = (ch: number): boolean => isLetter(ch) || isDigit(ch) || ch === 0x2e || ch === 0x2d;
/** Inside `[...]`: unreserved characters, sub-delims and `:`. */
const isLiteralChar = (ch: number): boolean =>
  isLetter(ch) || isDigit(ch) || "-._~:!$&'()*+,;=".includes(String.fromCharCode(ch));
