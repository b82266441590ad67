import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { headStatus, LARGE_BUFFER, targetSyntax, type RequestHead } from './client-request-checks';
import { errorPage, generatedHeaders, reasonPhrase, sendGenerated, sentStatus } from './error-page';

/**
 * What the balancer tells a client whose request Node's parser refused ('clientError'), the way
 * nginx does: its status for that head (400, 414, 501, 505...) on an error page with
 * `Connection: close`, after any response still owed on the connection (pipelining), then a
 * lingering close; or no answer at all where nginx just closes (header timeout, the client gone).
 */

/** A 'clientError' error: llhttp's code (HPE_*) and the bytes it was parsing, or a socket error. */
export interface ClientError extends Error {
  code?: string;
  rawPacket?: Buffer;
  bytesParsed?: number;
}

/** How long a refused connection may keep sending before it is closed (nginx's lingering_timeout). */
const LINGER_MS = 5000;

/** Something reading a request body that can be told the body turned out malformed. */
export interface BodyReader {
  rejectBody(status: number): void;
}

/** What a client connection has going on; kept on the socket, updated on each request. */
interface Connection {
  /** The latest request's response: a parse error after it waits for it (pipelining). */
  res: ServerResponse | null;
  /** What reads that request's body. */
  reader: BodyReader | null;
  /** The connection was given an error answer: what it sends afterwards is ignored. */
  refused: boolean;
}

const CONNECTION = Symbol('upstream-lab connection');
type TrackedSocket = Socket & { [CONNECTION]?: Connection };

function connection(socket: Socket): Connection {
  const tracked = socket as TrackedSocket;
  return (tracked[CONNECTION] ??= { res: null, reader: null, refused: false });
}

/** Notes a request being answered on its connection; `reader` is told if its body breaks. */
export function trackRequest(socket: Socket, res: ServerResponse, reader: BodyReader | null = null): void {
  const state = connection(socket);
  state.res = res;
  state.reader = reader;
}

/** Notes that a connection was given an error answer; it closes after it. */
export function refuseConnection(socket: Socket): void {
  connection(socket).refused = true;
}

/** The server's 'clientError' handler. */
export function onClientError(error: ClientError, socket: Socket): void {
  const state = connection(socket);
  if (state.refused) return;
  const code = error.code ?? '';
  // Bytes after a request with "Connection: close": nginx never reads them.
  if (code === 'HPE_CLOSED_CONNECTION') return;
  state.refused = true;
  const { res, reader } = state;
  const pending = res !== null && !res.writableFinished && !res.destroyed;
  if (pending && !res.req.complete) {
    // Its body broke: a bad chunked encoding (nginx: "client sent invalid chunked body", 400
    // before anything went upstream), or the client went away or timed out (no answer).
    if (!code.startsWith('HPE_') || code === 'HPE_INVALID_EOF_STATE') socket.destroy();
    else if (reader) reader.rejectBody(400);
    // Answered without reading the body (return, 404): close once that answer is out.
    else if (res.headersSent) res.once('close', () => socket.destroy());
    else {
      const page = errorPage(400);
      res.shouldKeepAlive = false;
      sendGenerated(res, 400, page, 'text/html');
    }
    return;
  }
  const { status, headOnly } = parseErrorAnswer(error);
  if (status === 0) {
    socket.destroy();
    return;
  }
  const reply = (): void => {
    if (socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(errorResponse(status, headOnly));
    linger(socket);
  };
  // Pipelined: the requests before this one are answered first.
  if (pending) res.once('close', reply);
  else reply();
}

/** An nginx error page as raw bytes, for a connection Node's parser gave up on. */
export function errorResponse(status: number, headOnly = false): Buffer {
  const page = errorPage(status);
  const sent = sentStatus(status);
  const fields = generatedHeaders('text/html', page.length, false);
  let head = `HTTP/1.1 ${sent} ${reasonPhrase(sent)}\r\n`;
  for (let i = 0; i < fields.length; i += 2) head += `${fields[i]}: ${fields[i + 1]}\r\n`;
  head += '\r\n';
  return headOnly ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), page]);
}

/** Closes a connection that was answered and ended, once the client closes or after LINGER_MS. */
function linger(socket: Socket): void {
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * nginx's answer to a head Node's parser refused: its status (0 when nginx closes without one),
 * and whether it is the answer to a HEAD request (no body).
 */
export function parseErrorAnswer(error: ClientError): { status: number; headOnly: boolean } {
  const code = error.code ?? '';
  // Header timeout (client_header_timeout), the client closing mid-head, socket errors.
  if (!code.startsWith('HPE_') || code === 'HPE_INVALID_EOF_STATE') return { status: 0, headOnly: false };
  const packet = error.rawPacket;
  if (packet === undefined) return { status: 400, headOnly: false };
  const text = packet.toString('latin1');
  const errorAt = Math.min(error.bytesParsed ?? 0, packet.length);
  const start = messageStart(text, errorAt);
  return { status: rawHeadStatus(text, start, errorAt, code), headOnly: text.startsWith('HEAD ', start) };
}

/**
 * Where the request Node's parser failed on starts in the bytes it was parsing: after the
 * requests before it in the same read (pipelining), each a head and a body of its
 * Content-Length or up to its last chunk.
 */
function messageStart(text: string, errorAt: number): number {
  let at = 0;
  for (;;) {
    while (text[at] === '\r' || text[at] === '\n') at++;
    const lf = text.indexOf('\n\n', at);
    const crlf = text.indexOf('\n\r\n', at);
    const headEnd = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf + 3 : lf === -1 ? -1 : lf + 2;
    if (headEnd === -1 || headEnd > errorAt) return at;
    const head = text.slice(at, headEnd);
    let next = headEnd;
    if (/\ntransfer-encoding:[ \t]*chunked/i.test(head)) {
      const last = text.indexOf('\r\n0\r\n\r\n', headEnd - 2);
      if (last === -1) return at;
      next = last + 7;
    } else next += Number(/\ncontent-length:[ \t]*(\d+)/i.exec(head)?.[1] ?? 0);
    if (next > errorAt) return at;
    at = next;
  }
}

/**
 * nginx's status for the request starting at `start` that Node's parser failed on at `errorAt`:
 * the request line as nginx reads it, then the head through the shared checks. When nginx would
 * have accepted what llhttp refused (see docs/differences.md), the answer stays 400.
 */
function rawHeadStatus(text: string, start: number, errorAt: number, code: string): number {
  const lineEnd = text.indexOf('\n', start);
  const inLine = lineEnd === -1 || lineEnd >= errorAt;
  // The parser gave up inside a request line longer than a large buffer: nginx did too.
  if (inLine && (code === 'HPE_HEADER_OVERFLOW' || errorAt - start >= LARGE_BUFFER)) return 414;
  if (lineEnd === -1) return 400;
  const line = text.slice(start, text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd);
  const [method = '', url = '', version, ...extra] = line.split(' ').filter((part) => part !== '');
  // nginx: a method of A-Z, '_' and '-', then a target that is a path or starts with a scheme,
  // without spaces or control characters; a bad character past the first 8k is never reached.
  if (!/^[A-Z_-]+$/.test(method)) return 400;
  const bad = [...url].findIndex(
    (ch, i) => isSpaceOrControl(ch.charCodeAt(0)) || (i === 0 && !/[/A-Za-z]/.test(ch)),
  );
  if (bad !== -1 || url === '') return method.length + 1 + Math.max(bad, 0) < LARGE_BUFFER ? 400 : 414;
  if (targetSyntax(url) !== 0) return 400;
  if (lineEnd + 1 - start > LARGE_BUFFER) return 414;
  if (version === undefined) return 400;
  const parsed = parseVersion(version);
  if (typeof parsed === 'number') return parsed;
  if (extra.length > 0) return 400;
  const headers = rawHeaderLines(text, lineEnd + 1);
  if (typeof headers === 'number') return headers;
  const head: RequestHead = { method, url, ...parsed, rawHeaders: headers };
  return headStatus(head) || 400;
}

const isSpaceOrControl = (ch: number): boolean => ch <= 0x20 || ch === 0x7f;

/**
 * `HTTP/major.minor` as nginx reads it: a major version above 1 is 505 as soon as it is seen, any
 * other deviation 400.
 */
function parseVersion(version: string): number | { httpVersionMajor: number; httpVersionMinor: number } {
  if (!version.startsWith('HTTP/')) return 400;
  let i = 5;
  let major = version.charCodeAt(i) - 0x30;
  if (!(major >= 1 && major <= 9)) return 400;
  if (major > 1) return 505;
  for (i++; i < version.length && version[i] !== '.'; i++) {
    const digit = version.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return 400;
    major = major * 10 + digit;
    if (major > 1) return 505;
  }
  if (i >= version.length - 1) return 400;
  let minor = 0;
  for (i++; i < version.length; i++) {
    const digit = version.charCodeAt(i) - 0x30;
    // nginx checks before it adds the digit: up to 999.
    if (!(digit >= 0 && digit <= 9) || minor > 99) return 400;
    minor = minor * 10 + digit;
  }
  return { httpVersionMajor: major, httpVersionMinor: minor };
}

/**
 * The header lines from `start` to the empty line, as nginx reads them: 400 for a line that
 * starts with whitespace, has whitespace or a control character in its name, an empty name, a
 * NUL or a bare CR; lines nginx ignores (no colon, a name with other characters) are left out.
 */
function rawHeaderLines(text: string, start: number): string[] | number {
  const headers: string[] = [];
  let at = start;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    const line = text.slice(at, text[end - 1] === '\r' ? end - 1 : end);
    at = end + 1;
    if (line === '') break;
    if (line[0] === ' ' || line[0] === '\t' || line.includes('\0') || line.includes('\r')) return 400;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    if (colon === 0 || [...name].some((ch) => isSpaceOrControl(ch.charCodeAt(0)))) return 400;
    if (colon === -1 || !/^[A-Za-z0-9-]+$/.test(name)) continue;
    headers.push(name, line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, ''));
  }
  return headers;
}
