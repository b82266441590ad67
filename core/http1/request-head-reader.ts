import { headStatus, LARGE_BUFFER, MAX_HEAD_BYTES, uriStatus } from '../balancer/client-request-checks';
import { parseHeaderLine, refusedPrefix } from './header-line';
import { parseRequestLine, refusedLinePrefix, type RequestLine } from './request-line';

export interface HeadOptions {
  /** underscores_in_headers (off): a name with `_` is an invalid header. */
  underscoresInHeaders: boolean;
  /** ignore_invalid_headers (on): an invalid header line is dropped. */
  ignoreInvalidHeaders: boolean;
}

export interface RequestHead {
  method: string;
  target: string;
  /** HTTP/0.9: 0 and 9. */
  versionMajor: number;
  versionMinor: number;
  /** Kept header lines in order: name as sent, value without leading/trailing SP/HT. */
  rawHeaders: string[];
  /** Bytes of the head as received, from the request line to the empty line. */
  length: number;
}

/**
 * What nginx's log phase sees of a head it refused: `$request` is the request line as far as it
 * was read; the method, URI and protocol only once the line was accepted; `$request_length` the
 * bytes of the lines accepted (0 while on the request line).
 */
export interface RefusedHead {
  request: string;
  line: RequestLine | null;
  /** The version was refused (505): nginx's `$server_protocol` is then empty, not `-`. */
  versionRefused: boolean;
  rawHeaders: string[];
  length: number;
}

export type HeadStep =
  | { kind: 'more' }
  | { kind: 'head'; head: RequestHead; rest: Buffer }
  /** nginx's status and its error_log wording; `simple`: an HTTP/0.9 request, answered without a head. */
  | { kind: 'error'; status: number; message: string; simple?: boolean };

const MORE: HeadStep = { kind: 'more' };
const TOO_LONG_URI: HeadStep = { kind: 'error', status: 414, message: 'client sent too long URI' };
const TOO_LARGE: HeadStep = { kind: 'error', status: 494, message: 'client sent too large request' };
const INVALID: HeadStep = { kind: 'error', status: 400, message: 'client sent invalid request' };

const LF = 0x0a;
const CR = 0x0d;

/**
 * One request head read as nginx reads it, fed packet by packet: empty lines before the request
 * line are skipped, lines end with LF (a CR before it is dropped), the request line and each
 * header line are checked as they complete (ngx_http_parse_request_line / header_line), a prefix
 * that can't become valid is refused at once, and the complete head goes through nginx's buffer
 * and header checks (`headStatus`). No quadratic rescans: only the current line is kept.
 */
export class RequestHeadReader {
  /** A byte of the request arrived (leading empty lines don't count). */
  started = false;
  private partial: Buffer | null = null;
  private line: RequestLine | null = null;
  private readonly headers: string[] = [];
  private length = 0;
  /** Bytes of the lines accepted before the current one. */
  private accepted = 0;
  /** The request line's text as far as it came (for a refusal's `$request`). */
  private lineText = '';
  private done = false;

  constructor(private readonly options: HeadOptions) {}

  push(chunk: Buffer): HeadStep {
    if (this.done) return INVALID;
    let pos = 0;
    if (!this.started) {
      while (pos < chunk.length && (chunk[pos] === CR || chunk[pos] === LF)) pos++;
      if (pos === chunk.length) return MORE;
      this.started = true;
    }
    for (;;) {
      const lf = chunk.indexOf(LF, pos);
      if (lf === -1) return this.keepPartial(chunk.subarray(pos));
      const lineBytes =
        this.partial === null
          ? chunk.subarray(pos, lf)
          : Buffer.concat([this.partial, chunk.subarray(pos, lf)]);
      this.partial = null;
      this.accepted = this.length;
      this.length += lineBytes.length + 1;
      pos = lf + 1;
      const end =
        lineBytes.length > 0 && lineBytes[lineBytes.length - 1] === CR
          ? lineBytes.length - 1
          : lineBytes.length;
      const step = this.takeLine(lineBytes.toString('latin1', 0, end));
      if (step === null) continue;
      if (step.kind === 'head') return { ...step, rest: chunk.subarray(pos) };
      return step;
    }
  }

  /** A complete line: null to go on, else the end of the head (its `rest` filled in by push). */
  private takeLine(text: string): HeadStep | null {
    if (this.line === null) {
      this.lineText = text.slice(0, LARGE_BUFFER);
      // What nginx meets within its buffer decides; past it, the line is too long.
      if (text.length > LARGE_BUFFER)
        return refusedLinePrefix(text.slice(0, LARGE_BUFFER)) ? INVALID : TOO_LONG_URI;
      const parsed = parseRequestLine(text);
      if ('status' in parsed) return { kind: 'error', ...parsed };
      this.line = parsed;
      return parsed.versionMajor === 0 ? this.complete() : null;
    }
    if (text === '') return this.complete();
    // ngx_http_alloc_large_header_buffer: a header line must fit one large buffer.
    if (text.length > LARGE_BUFFER) return TOO_LARGE;
    const header = parseHeaderLine(text, this.options);
    if (header.kind === 'error') return { kind: 'error', status: 400, message: header.message };
    if (header.kind === 'header' || !this.options.ignoreInvalidHeaders)
      this.headers.push(header.name, header.value);
    return null;
  }

  /** After an error step: what the log phase sees of the refused head. */
  refusal(status: number): RefusedHead {
    const line = this.line;
    return {
      request: this.lineText,
      line,
      versionRefused: line === null && status === 505,
      rawHeaders: this.headers,
      length: line === null ? 0 : this.done ? this.length : this.accepted,
    };
  }

  private complete(): HeadStep {
    this.done = true;
    const line = this.line!;
    // HTTP/0.9 has no headers: only its target is checked.
    const status =
      line.versionMajor === 0
        ? uriStatus(line.target)
        : headStatus({
            method: line.method,
            url: line.target,
            httpVersionMajor: line.versionMajor,
            httpVersionMinor: line.versionMinor,
            rawHeaders: this.headers,
          });
    if (status !== 0) return { kind: 'error', status, message: 'client sent invalid header' };
    const head: RequestHead = { ...line, rawHeaders: this.headers, length: this.length };
    return { kind: 'head', head, rest: Buffer.alloc(0) };
  }

  /** What is left of a packet is the start of a line: kept, and refused now if it can't be valid. */
  private keepPartial(bytes: Buffer): HeadStep {
    if (bytes.length === 0) return MORE;
    this.partial = this.partial === null ? Buffer.from(bytes) : Buffer.concat([this.partial, bytes]);
    const size = this.partial.length;
    if (this.line === null) {
      this.lineText = this.partial.toString('latin1', 0, Math.min(size, LARGE_BUFFER));
      if (refusedLinePrefix(this.partial.toString('latin1', 0, Math.min(size, LARGE_BUFFER)))) return INVALID;
      if (size > LARGE_BUFFER) return TOO_LONG_URI;
    } else {
      if (size > LARGE_BUFFER || this.length + size > MAX_HEAD_BYTES) return TOO_LARGE;
      if (refusedPrefix(this.partial.toString('latin1', 0, Math.min(size, 256)))) return INVALID;
    }
    return MORE;
  }
}
