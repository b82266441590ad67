/**
 * nginx 1.22's `ngx_http_parse_request_line` on one complete line (without its LF and the CR
 * before it): the method (`[A-Z_-]+`), spaces, the target (a path, or `scheme://host[:port]`
 * then a path or `?args`), then `HTTP/major.minor` with major 1 (above: 505) and a minor of up to
 * three digits, or nothing (HTTP/0.9, GET only). Since nginx 1.21.1 a space or a control
 * character inside the target is an invalid request; spaces around it are not.
 */

export interface RequestLine {
  method: string;
  target: string;
  versionMajor: number;
  versionMinor: number;
}

/** A status nginx answers (400 or 505) with its error_log wording. */
export interface LineError {
  status: number;
  message: string;
  /** The line was an HTTP/0.9 request: the answer goes without a head. */
  simple?: boolean;
}

const INVALID_METHOD: LineError = { status: 400, message: 'client sent invalid method' };
const INVALID_REQUEST: LineError = { status: 400, message: 'client sent invalid request' };
const INVALID_VERSION: LineError = { status: 505, message: 'client sent invalid version' };
const INVALID_09: LineError = {
  status: 400,
  message: 'client sent invalid method in HTTP/0.9 request',
  simple: true,
};

const isUpper = (ch: number): boolean => (ch >= 0x41 && ch <= 0x5a) || ch === 0x5f || ch === 0x2d;
const isDigit = (ch: number): boolean => ch >= 0x30 && ch <= 0x39;
const isLetter = (ch: number): boolean => (ch | 0x20) >= 0x61 && (ch | 0x20) <= 0x7a;
const isControl = (ch: number): boolean => ch < 0x20 || ch === 0x7f;
const SPACE = 0x20;

export function parseRequestLine(line: string): RequestLine | LineError {
  const end = line.length;
  let i = 0;
  while (i < end && isUpper(line.charCodeAt(i))) i++;
  if (i === 0 || i === end || line.charCodeAt(i) !== SPACE) return INVALID_METHOD;
  const method = line.slice(0, i);
  while (i < end && line.charCodeAt(i) === SPACE) i++;
  const targetStart = i;
  if (i === end) return INVALID_REQUEST;
  const first = line.charCodeAt(i);
  if (first !== 0x2f) {
    if (!isLetter(first)) return INVALID_REQUEST;
    const after = absolutePrefix(line, i);
    if (after < 0) return INVALID_REQUEST;
    i = after;
  }
  // The rest of the target: up to a space followed by `HTTP/`, or the end (HTTP/0.9).
  for (;;) {
    while (i < end && line.charCodeAt(i) !== SPACE) {
      const ch = line.charCodeAt(i);
      if (isControl(ch)) return INVALID_REQUEST;
      i++;
    }
    const targetEnd = i;
    while (i < end && line.charCodeAt(i) === SPACE) i++;
    if (i === end) return version09(method, line.slice(targetStart, targetEnd));
    // nginx ≥ 1.21.1: a space inside the target is an invalid request.
    if (line.charCodeAt(i) !== 0x48 /* H */) return INVALID_REQUEST;
    return versionPart(line, i, method, line.slice(targetStart, targetEnd));
  }
}

function version09(method: string, target: string): RequestLine | LineError {
  if (method !== 'GET') return INVALID_09;
  return { method, target, versionMajor: 0, versionMinor: 9 };
}

/** `HTTP/major.minor` then optional spaces, from `i`. */
function versionPart(line: string, start: number, method: string, target: string): RequestLine | LineError {
  if (!line.startsWith('HTTP/', start)) return INVALID_REQUEST;
  let i = start + 5;
  const end = line.length;
  let ch = line.charCodeAt(i);
  if (!(ch >= 0x31 && ch <= 0x39)) return INVALID_REQUEST;
  let major = ch - 0x30;
  if (major > 1) return INVALID_VERSION;
  for (i++; ; i++) {
    if (i === end) return INVALID_REQUEST;
    ch = line.charCodeAt(i);
    if (ch === 0x2e) break;
    if (!isDigit(ch) || major > 99) return INVALID_REQUEST;
    major = major * 10 + ch - 0x30;
    if (major > 1) return INVALID_VERSION;
  }
  i++;
  if (i === end || !isDigit(line.charCodeAt(i))) return INVALID_REQUEST;
  let minor = line.charCodeAt(i) - 0x30;
  for (i++; i < end; i++) {
    ch = line.charCodeAt(i);
    if (ch === SPACE) break;
    if (!isDigit(ch) || minor > 99) return INVALID_REQUEST;
    minor = minor * 10 + ch - 0x30;
  }
  for (; i < end; i++) if (line.charCodeAt(i) !== SPACE) return INVALID_REQUEST;
  return { method, target, versionMajor: major, versionMinor: minor };
}

/**
 * `scheme://host[:port]` from `i`: where the path (or `?`, or the space after the target) starts,
 * or -1 for what nginx refuses while reading it.
 */
function absolutePrefix(line: string, start: number): number {
  let i = start;
  const end = line.length;
  while (i < end) {
    const ch = line.charCodeAt(i);
    if (isLetter(ch) || isDigit(ch) || ch === 0x2b || ch === 0x2d || ch === 0x2e) i++;
    else break;
  }
  if (!line.startsWith('://', i)) return -1;
  i += 3;
  if (line.charCodeAt(i) === 0x5b) {
    for (i++; i < end && line.charCodeAt(i) !== 0x5d; i++) {
      if (!isLiteralChar(line.charCodeAt(i))) return -1;
    }
    if (i === end) return -1;
    i++;
  } else {
    while (i < end) {
      const ch = line.charCodeAt(i);
      if (isLetter(ch) || isDigit(ch) || ch === 0x2e || ch === 0x2d) i++;
      else break;
    }
  }
  if (line.charCodeAt(i) === 0x3a) for (i++; i < end && isDigit(line.charCodeAt(i)); i++);
  if (i === end) return i;
  const ch = line.charCodeAt(i);
  return ch === 0x2f || ch === 0x3f || ch === SPACE ? i : -1;
}

/** Inside `[...]`: unreserved characters, sub-delims and `:`. */
const LITERAL = new Set("-._~:!$&'()*+,;=".split('').map((c) => c.charCodeAt(0)));
const isLiteralChar = (ch: number): boolean => isLetter(ch) || isDigit(ch) || LITERAL.has(ch);

/** The start of a request line that no more bytes can make valid: a bad method character, a control character. */
export function refusedLinePrefix(prefix: string): boolean {
  let i = 0;
  while (i < prefix.length && isUpper(prefix.charCodeAt(i))) i++;
  if (i < prefix.length && (prefix.charCodeAt(i) !== SPACE || i === 0)) return true;
  while (i < prefix.length && prefix.charCodeAt(i) === SPACE) i++;
  if (i < prefix.length && prefix.charCodeAt(i) !== 0x2f && !isLetter(prefix.charCodeAt(i))) return true;
  for (; i < prefix.length; i++) {
    const ch = prefix.charCodeAt(i);
    if (isControl(ch) && ch !== CR_CODE) return true;
  }
  return false;
}

const CR_CODE = 0x0d;
