/**
 * nginx's header filter (ngx_http_header_filter_module.c): the status line, then Server, Date,
 * Content-Type, Content-Length, a Location nginx made absolute itself, Transfer-Encoding and
 * Connection in that order, then every other header in the order it was added (the upstream's,
 * an absolute Location or Last-Modified among them, then add_header's).
 */

/** Our signature where nginx puts `nginx/1.22.1`. */
export const SERVER_NAME = 'upstream-lab';

type Slot = 'server' | 'date' | 'content-type' | 'content-length';
/** Framing and connection headers are the writer's to decide, whatever the list says. */
const DECIDED = new Set(['connection', 'transfer-encoding', 'keep-alive']);

let dateSecond = -1;
let dateText = '';

/** `Date:` as nginx caches it: recomputed once a second. */
export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

export interface HeadFraming {
  chunked: boolean;
  /** `keep-alive`, `close`, or null for no Connection header (never the case for nginx's own). */
  connection: string | null;
  /** A relative redirect nginx made absolute: written in its own place, before Connection. */
  location?: string;
}

/** The response head as bytes go out (latin1), headers from a flat name/value list. */
export function serializeHead(
  status: number,
  reason: string,
  headers: readonly string[],
  framing: HeadFraming,
): string {
  const slots: Partial<Record<Slot, string>> = {};
  let rest = '';
  // The list may hold the Location written in its place: it is not written twice.
  let placedLocation = framing.location !== undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    const lower = slotName(name);
    if (placedLocation && name.length === 8 && name.toLowerCase() === 'location') {
      placedLocation = false;
    } else if (lower === null) {
      if (!DECIDED.has(name.toLowerCase())) rest += `${name}: ${value}\r\n`;
    } else if (slots[lower] === undefined) slots[lower] = `${name}: ${value}\r\n`;
    else rest += `${name}: ${value}\r\n`;
  }
  let head = reason === '' ? `HTTP/1.1 ${status}\r\n` : `HTTP/1.1 ${status} ${reason}\r\n`;
  head += slots.server ?? `Server: ${SERVER_NAME}\r\n`;
  head += slots.date ?? `Date: ${httpDate()}\r\n`;
  if (slots['content-type']) head += slots['content-type'];
  if (slots['content-length']) head += slots['content-length'];
  if (framing.location !== undefined) head += `Location: ${framing.location}\r\n`;
  if (framing.chunked) head += 'Transfer-Encoding: chunked\r\n';
  if (framing.connection !== null) head += `Connection: ${framing.connection}\r\n`;
  return `${head}${rest}\r\n`;
}

/** The slot a header fills, or null; names are compared without case, cheaply by length first. */
function slotName(name: string): Slot | null {
  switch (name.length) {
    case 4:
      return name.toLowerCase() === 'date' ? 'date' : null;
    case 6:
      return name.toLowerCase() === 'server' ? 'server' : null;
    case 12:
      return name.toLowerCase() === 'content-type' ? 'content-type' : null;
    case 14:
      return name.toLowerCase() === 'content-length' ? 'content-length' : null;
    default:
      return null;
  }
}

/** The value of a header in a flat list (first match, case-insensitive), or undefined. */
export function headerValue(headers: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return headers[i + 1];
  }
  return undefined;
}
