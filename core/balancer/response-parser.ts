/**
 * An HTTP/1.x response parser for upstream connections. It is ours rather than a library's because
 * nginx's answers depend on parsing details: a response without a valid status line passes through
 * as HTTP/0.9, a bad header line is `invalid_header`, and a header larger than proxy_buffer_size is
 * `invalid_header` too.
 */

export interface ResponseHead {
  /** 9 for HTTP/0.9 (no status line: the raw bytes are the response). */
  version: 9 | 10 | 11;
  status: number;
  reason: string;
  /** Flat [name, value, name, value, ...] in arrival order and case. */
  headers: string[];
  /** -1 when the response has no Content-Length. */
  contentLength: number;
  chunked: boolean;
  /** The upstream will close (or must be closed) after this response. */
  close: boolean;
}

export type ParseFailure = 'invalid_header' | 'too_big_header' | 'bad_body';

export interface ResponseHandlers {
  onHead(head: ResponseHead, rawHead: Buffer): void;
  onBody(chunk: Buffer): void;
  onEnd(): void;
}

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  /** A 101 to an Upgrade request: what follows is the new protocol's, not ours to parse. */
  Switched,
  Done,
}

const HTTP_PREFIX = Buffer.from('HTTP/');
const STATUS_LINE = /^HTTP\/([1-9])\.(\d) +(\d{3})(?: (.*))?$/;

export class ResponseParser {
  private state = State.Head;
  private pending: Buffer | null = null;
  private remaining = 0;
  private head: ResponseHead | null = null;
  private rest: Buffer[] = [];

  /**
   * @param maxHeadBytes nginx's proxy_buffer_size: the status line and headers must fit.
   * @param noBody the request was HEAD, so the response has no body whatever its headers say.
   */
  constructor(
    private readonly handlers: ResponseHandlers,
    private readonly maxHeadBytes: number,
    private readonly noBody: boolean,
    private readonly upgrade = false,
  ) {}

  /** The upstream switched protocols (101 to an Upgrade request). */
  get switched(): boolean {
    return this.state === State.Switched;
  }

  /** The bytes after a 101's head: the first of the new protocol. */
  takeRest(): Buffer {
    const rest = Buffer.concat(this.rest);
    this.rest = [];
    return rest;
  }

  get headReceived(): boolean {
    return this.head !== null;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** Feeds bytes; returns a failure instead of throwing so the caller can map it to nginx's next_upstream. */
  execute(chunk: Buffer): ParseFailure | null {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    if (this.state === State.Head) {
      const result = this.parseHead(data);
      if (typeof result === 'string') return result;
      if (result === -1) return null;
      data = data.subarray(result);
    }
    return this.parseBody(data);
  }

  /** The upstream closed the connection. Returns true when that ends the response cleanly. */
  finish(): boolean {
    if (this.state === State.UntilClose) {
      this.state = State.Done;
      this.handlers.onEnd();
      return true;
    }
    return this.state === State.Done;
  }

  /** The header line that made the head `invalid_header`, for the error log. */
  invalidLine: string | null = null;

  /** Returns bytes consumed, -1 for "need more", or a failure. */
  private parseHead(data: Buffer): number | ParseFailure {
    const prefix = Math.min(data.length, HTTP_PREFIX.length);
    if (data.compare(HTTP_PREFIX, 0, prefix, 0, prefix) !== 0) return this.http09();
    const end = findHeadEnd(data);
    if (end === -1) {
      if (data.length > this.maxHeadBytes) return 'too_big_header';
      const lineEnd = data.indexOf(10);
      if (lineEnd !== -1 && !STATUS_LINE.test(trimCr(data.toString('latin1', 0, lineEnd))))
        return this.http09();
      this.pending = data;
      return -1;
    }
    if (end > this.maxHeadBytes) return 'too_big_header';
    const lines = data.toString('latin1', 0, end).split('\n');
    const match = STATUS_LINE.exec(trimCr(lines[0]!));
    if (!match) return this.http09();
    const version = match[1] === '1' && match[2] !== '0' ? 11 : 10;
    const head: ResponseHead = {
      version,
      status: Number(match[3]),
      reason: match[4] ?? '',
      headers: [],
      contentLength: -1,
      chunked: false,
      close: version === 10,
    };
    for (let i = 1; i < lines.length; i++) {
      const line = trimCr(lines[i]!);
      if (line === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0 || !validName(line, colon) || line.includes('\0')) {
        this.invalidLine = line;
        return 'invalid_header';
      }
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      if (!applyFraming(head, name, value)) return 'invalid_header';
      head.headers.push(name, value);
    }
    if (head.chunked && head.contentLength !== -1) return 'invalid_header';
    // A status below 100 has no meaning a client could be given.
    if (head.status < 100) return 'invalid_header';
    if (head.status >= 100 && head.status < 200 && head.status !== 101) {
      // An interim response (100 Continue): skip it and parse the real one.
      return end;
    }
    this.head = head;
    this.handlers.onHead(head, data.subarray(0, end));
    this.startBody(head, data.length > end);
    return end;
  }

  private http09(): number {
    const head: ResponseHead = {
      version: 9,
      status: 200,
      reason: '',
      headers: [],
      contentLength: -1,
      chunked: false,
      close: true,
    };
    this.head = head;
    this.state = State.UntilClose;
    this.handlers.onHead(head, Buffer.alloc(0));
    return 0;
  }

  /** `more`: bytes follow the head in what was received. */
  private startBody(head: ResponseHead, more: boolean): void {
    const { status } = head;
    if (status === 101 && this.upgrade) {
      this.state = State.Switched;
      return;
    }
    if (this.noBody || status === 204 || status === 304 || status === 101) {
      this.finishBody(more);
    } else if (head.chunked) {
      this.state = State.ChunkSize;
    } else if (head.contentLength >= 0) {
      this.remaining = head.contentLength;
      if (this.remaining === 0) this.finishBody(more);
      else this.state = State.Length;
    } else {
      head.close = true;
      this.state = State.UntilClose;
    }
  }

  /**
   * `extra`: bytes arrived past the response's end. The connection is then out of step with the
   * requests (nginx closes it too), so it must not be kept alive; the caller learns it in onEnd.
   */
  private finishBody(extra: boolean): void {
    if (extra && this.head) this.head.close = true;
    this.state = State.Done;
    this.handlers.onEnd();
  }

  private parseBody(input: Buffer): ParseFailure | null {
    let data = input;
    while (data.length > 0) {
      switch (this.state) {
        case State.Head: {
          const result = this.parseHead(data);
          if (typeof result === 'string') return result;
          if (result === -1) return null;
          data = data.subarray(result);
          break;
        }
        case State.Length: {
          const take = Math.min(this.remaining, data.length);
          this.remaining -= take;
          this.handlers.onBody(take === data.length ? data : data.subarray(0, take));
          data = data.subarray(take);
          if (this.remaining === 0) this.finishBody(data.length > 0);
          break;
        }
        case State.UntilClose:
          this.handlers.onBody(data);
          return null;
        case State.Switched:
          this.rest.push(data);
          return null;
        case State.ChunkSize: {
          const lf = data.indexOf(10);
          if (lf === -1) {
            if (data.length > 1024) return 'bad_body';
            this.pending = data;
            return null;
          }
          const sizeText = trimCr(data.toString('latin1', 0, lf))
            .split(';')[0]!
            .trim();
          if (!/^[0-9a-fA-F]{1,15}$/.test(sizeText)) return 'bad_body';
          this.remaining = parseInt(sizeText, 16);
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          data = data.subarray(lf + 1);
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, data.length);
          this.remaining -= take;
          this.handlers.onBody(take === data.length ? data : data.subarray(0, take));
          data = data.subarray(take);
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd: {
          const lf = data.indexOf(10);
          if (lf === -1) {
            this.pending = data;
            return null;
          }
          if (lf > 1) return 'bad_body';
          this.state = State.ChunkSize;
          data = data.subarray(lf + 1);
          break;
        }
        case State.Trailers: {
          const lf = data.indexOf(10);
          if (lf === -1) {
            this.pending = data;
            return null;
          }
          const line = trimCr(data.toString('latin1', 0, lf));
          data = data.subarray(lf + 1);
          if (line === '') this.finishBody(data.length > 0);
          break;
        }
        case State.Done:
          // Bytes after a complete response: the connection can't be reused.
          if (this.head) this.head.close = true;
          return null;
      }
    }
    return null;
  }
}

function trimCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** End of the header block (index after the blank line), accepting bare LF line ends as nginx does. */
function findHeadEnd(data: Buffer): number {
  let from = 0;
  for (;;) {
    const lf = data.indexOf(10, from);
    if (lf === -1) return -1;
    if (data[lf + 1] === 10) return lf + 2;
    if (data[lf + 1] === 13 && data[lf + 2] === 10) return lf + 3;
    if (lf + 2 >= data.length) return -1;
    from = lf + 1;
  }
}

/** nginx rejects header names with controls, spaces or DEL (since 1.21.1). */
function validName(line: string, colon: number): boolean {
  for (let i = 0; i < colon; i++) {
    const c = line.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** Records framing headers; false when they contradict each other. */
function applyFraming(head: ResponseHead, name: string, value: string): boolean {
  const lower = name.length === 14 || name.length === 17 || name.length === 10 ? name.toLowerCase() : '';
  if (lower === 'content-length') {
    if (!/^\d+$/.test(value)) return false;
    const length = Number(value);
    if (head.contentLength !== -1 && head.contentLength !== length) return false;
    head.contentLength = length;
  } else if (lower === 'transfer-encoding') {
    // nginx accepts only "chunked" from an upstream; anything else is an invalid header.
    if (value.toLowerCase() !== 'chunked') return false;
    head.chunked = true;
  } else if (lower === 'connection') {
    // nginx only ever sets connection_close here: an HTTP/1.0 answer is never reused.
    if (/\bclose\b/i.test(value)) head.close = true;
  }
  return true;
}
