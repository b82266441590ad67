import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/** A request head as the head reader gives it (core/http1/request-head-reader.ts). */
export interface ParsedHead {
  method: string;
  target: string;
  versionMajor: number;
  versionMinor: number;
  rawHeaders: string[];
  length: number;
}

/** Headers whose first value counts when repeated (a second one is ignored, as Node did before). */
const FIRST_ONLY = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/**
 * One client request: the facts of its head, read once (names lowercased in one pass over the
 * raw lines), its connection's socket and, when it has one, its body as a stream. The connection
 * owns the reading; the request only describes it.
 */
export class ClientRequest {
  readonly method: string;
  /** The request-target as sent. */
  readonly url: string;
  /** `1.1`, `1.0`, `0.9`, or another minor nginx accepts (`1.2`). */
  readonly httpVersion: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  readonly rawHeaders: readonly string[];
  /** The header names lowercased, in the order of rawHeaders (one per name/value pair). */
  readonly lowerNames: readonly string[];
  /** Lowercased names; repeated headers joined with `, ` (cookies with `; `), or the first kept. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Bytes of the head as received (`$request_length` before the body). */
  readonly headLength: number;
  /** The body was read to its end (or there is none). */
  complete: boolean;
  /** client_max_body_size for this request (set once its server is known); 0 = any. */
  maxBodySize = 0;
  /** Told when the body's chunked framing breaks (nginx answers 400); else the connection answers. */
  onBodyFailure: ((status: number) => void) | null = null;

  constructor(
    head: ParsedHead,
    readonly socket: Socket,
    /** The body, streamed off the connection; null when the request has none. */
    readonly body: Readable | null,
  ) {
    this.method = head.method;
    this.url = head.target;
    this.httpVersionMajor = head.versionMajor;
    this.httpVersionMinor = head.versionMinor;
    this.httpVersion = `${head.versionMajor}.${head.versionMinor}`;
    this.rawHeaders = head.rawHeaders;
    this.headLength = head.length;
    this.complete = body === null;
    const headers: Record<string, string | undefined> = Object.create(null) as Record<string, string>;
    const raw = head.rawHeaders;
    const lowerNames: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      lowerNames.push(name);
      const value = raw[i + 1]!;
      const seen = headers[name];
      if (seen === undefined) headers[name] = value;
      else if (!FIRST_ONLY.has(name)) headers[name] = `${seen}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
    this.headers = headers;
    this.lowerNames = lowerNames;
  }

  /** An HTTP/0.9 request: the answer is its body alone. */
  get simple(): boolean {
    return this.httpVersionMajor === 0;
  }
}
