import net from 'node:net';

/**
 * A raw HTTP client: the test writes the exact request bytes (HTTP/1.0 without Host, chunked
 * bodies, a chosen source address) and reads responses nginx may send without a status line.
 */

export interface RawResponse {
  /** null when the response had no status line (nginx passes an HTTP/0.9 upstream answer through). */
  status: number | null;
  /** Header names lower-cased; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** 1xx responses seen before the final one (e.g. 100 Continue). */
  interim: number[];
  elapsedMs: number;
}

export interface RawRequestOptions {
  port: number;
  host?: string;
  /** Source address to bind, e.g. `127.0.3.1` for ip_hash. */
  localAddress?: string;
  /** Complete request bytes. */
  request: string | Buffer;
  timeoutMs?: number;
}

export function sendRaw(options: RawRequestOptions): Promise<RawResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: options.host ?? '127.0.0.1',
      port: options.port,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (closed: boolean): void => {
      const parsed = parseResponse(received, closed);
      if (!parsed) {
        if (closed) fail(new Error(`connection closed mid-response: ${JSON.stringify(text(received))}`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parsed, elapsedMs: Math.round(performance.now() - started) });
    };
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timeoutMs = options.timeoutMs ?? 10_000;
    const timer = setTimeout(() => fail(new Error(`no complete response within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(options.request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!settled) finish(false);
    });
    socket.on('end', () => !settled && finish(true));
    socket.on('close', () => !settled && finish(true));
    socket.on('error', (err) => {
      // A reset after a complete response is not an error; parse what we have.
      if (received.length > 0) finish(true);
      else fail(err);
    });
  });
}

const text = (buf: Buffer): string => buf.toString('latin1');

type Parsed = Omit<RawResponse, 'elapsedMs'>;

/** Parses one response (skipping 1xx) from `buf`; returns undefined if more bytes are needed. */
export function parseResponse(buf: Buffer, closed: boolean): Parsed | undefined {
  const interim: number[] = [];
  let offset = 0;
  for (;;) {
    const rest = buf.subarray(offset);
    if (rest.length < 5 || text(rest.subarray(0, 5)) !== 'HTTP/') {
      // No status line: the whole rest of the stream is the body (HTTP/0.9).
      return closed ? { status: null, headers: {}, body: text(rest), interim } : undefined;
    }
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) return closed ? { status: null, headers: {}, body: text(rest), interim } : undefined;
    const [statusLine = '', ...lines] = text(rest.subarray(0, headEnd)).split('\r\n');
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? NaN);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const bodyStart = headEnd + 4;
    if (status >= 100 && status < 200) {
      interim.push(status);
      offset += bodyStart;
      continue;
    }
    const body = rest.subarray(bodyStart);
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const decoded = decodeChunked(body);
      return decoded === undefined ? undefined : { status, headers, body: decoded, interim };
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      if (body.length < Number(length)) return undefined;
      return { status, headers, body: text(body.subarray(0, Number(length))), interim };
    }
    return closed ? { status, headers, body: text(body), interim } : undefined;
  }
}

function decodeChunked(buf: Buffer): string | undefined {
  let out = '';
  let offset = 0;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', offset);
    if (lineEnd < 0) return undefined;
    const size = parseInt(text(buf.subarray(offset, lineEnd)), 16);
    if (size === 0) return buf.indexOf('\r\n', lineEnd + 2) < 0 ? undefined : out;
    const start = lineEnd + 2;
    if (buf.length < start + size + 2) return undefined;
    out += text(buf.subarray(start, start + size));
    offset = start + size + 2;
  }
}
