import type { HeadOptions } from './request-head-reader';

/** A header line as nginx's `ngx_http_parse_header_line` reads it. */
export type HeaderLine =
  | { kind: 'header'; name: string; value: string }
  /** An invalid header nginx drops with `ignore_invalid_headers on` (and passes on without it). */
  | { kind: 'invalid'; name: string; value: string }
  | { kind: 'error'; message: string };

const INVALID_LINE = { kind: 'error', message: 'client sent invalid header line' } as const;

/**
 * One complete header line (without its LF and the CR before it). Names are letters, digits and
 * `-` (and `_` with underscores_in_headers); any other printable character makes the header
 * invalid. A line without a colon is a header with an empty value (nginx 1.22 passes `Foo: ` on);
 * whitespace or a control character in the name, a line
 * starting with one (obs-fold) or a colon, a NUL anywhere or a CR left in the line is refused.
 * The value loses its leading and trailing spaces and tabs; other control characters stay, as in
 * nginx 1.22.
 */
export function parseHeaderLine(line: string, options: HeadOptions): HeaderLine {
  const first = line.charCodeAt(0);
  if (first <= 0x20 || first === 0x7f || first === 0x3a) return INVALID_LINE;
  let invalid = false;
  let i = 0;
  for (; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (ch === 0x3a) break;
    if (ch <= 0x20 || ch === 0x7f) return INVALID_LINE;
    if (!nameChar(ch, options.underscoresInHeaders)) invalid = true;
  }
  if (line.indexOf('\0', i) !== -1 || line.indexOf('\r', i) !== -1) return INVALID_LINE;
  const name = line.slice(0, i);
  if (i === line.length) return { kind: invalid ? 'invalid' : 'header', name, value: '' };
  let start = i + 1;
  let end = line.length;
  while (start < end && isBlank(line.charCodeAt(start))) start++;
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  const value = line.slice(start, end);
  return invalid ? { kind: 'invalid', name, value } : { kind: 'header', name, value };
}

const isBlank = (ch: number): boolean => ch === 0x20 || ch === 0x09;

function nameChar(ch: number, underscores: boolean): boolean {
  const lower = ch | 0x20;
  if (lower >= 0x61 && lower <= 0x7a) return true;
  if ((ch >= 0x30 && ch <= 0x39) || ch === 0x2d) return true;
  return ch === 0x5f && underscores;
}

/** A prefix of a header line that can already be refused (nginx answers before the line ends). */
export function refusedPrefix(start: string): boolean {
  // The CR before the line's LF may have come alone.
  const prefix = start.endsWith('\r') ? start.slice(0, -1) : start;
  if (prefix.length === 0) return false;
  const first = prefix.charCodeAt(0);
  // Whitespace first is obs-fold; a CR there is a bare CR (the head's end would be followed by LF).
  if (first <= 0x20 || first === 0x7f || first === 0x3a) return true;
  const colon = prefix.indexOf(':');
  const name = colon === -1 ? prefix : prefix.slice(0, colon);
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch <= 0x20 || ch === 0x7f) return true;
  }
  return colon !== -1 && prefix.indexOf('\0', colon) !== -1;
}
