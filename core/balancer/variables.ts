import { randomBytes } from 'node:crypto';
import type { ClientRequest } from '../http1/client-request';
import type { RefusedHead } from '../http1/request-head-reader';
import { hostname } from 'node:os';
import { connectionNumber } from './connection-number';
import type { AttemptRecord } from './record';
import {
  args,
  argValue,
  binaryAddr,
  cookieValue,
  header,
  normalizedPath,
  remoteAddr,
  requestLength,
  requestHost,
  requestUri,
} from './request-values';
import { msec, timeIso8601, timeLocal } from './time-values';
import { scanValue } from './value-scan';

export { normalizedPath, requestHost } from './request-values';
export { timeLocal } from './time-values';

/** What nginx variables can see of a request while it is proxied. */
export interface VariableContext {
  req: ClientRequest;
  serverName: string;
  serverPort: number;
  /** The upstream name (`$proxy_host`), or `host:port` for an implicit upstream. */
  proxyHost: string;
  startMs: number;
  /** Attempts so far, for `$upstream_addr`, `$upstream_status` and `$upstream_response_time`. */
  attempts: AttemptRecord[];
  status: number;
  /** The last attempt's response is being passed on: its `$upstream_response_time` reads `-`. */
  upstreamInProgress?: boolean;
  /** Response headers as a flat name/value list, once they are being built (`$sent_http_*`). */
  sentHeaders?: readonly string[];
  /** The upstream response's headers, flat (`$upstream_http_*`). */
  upstreamHeaders?: readonly string[];
  /** Body bytes read from the client (`$request_length` counts them with the head). */
  requestBodyBytes?: number;
  /** The URI of an internal redirect (error_page): `$uri` and `$args` read it, `$request_uri` not. */
  internalUri?: string;
  /** Attempts made before an error_page moved the request to another proxying location. */
  redirectedAfter?: number;
  /** A head nginx refused: `$request` as far as it was read, the line's parts only once accepted. */
  refused?: RefusedHead;
}

/** The request line's parts, or not found while the line itself was refused (`-` in the log). */
const lineParsed =
  (get: Getter): Getter =>
  (ctx) =>
    ctx.refused && ctx.refused.line === null ? undefined : get(ctx);

/** The URI the request is at now: its own, or an error_page's. */
const currentUri = (ctx: VariableContext): string => ctx.internalUri ?? requestUri(ctx.req);

/** `$uri`: the request's decoded, normalised path, or an error_page URI's path as written. */
function currentPath(ctx: VariableContext): string {
  const internal = ctx.internalUri;
  if (internal === undefined) return normalizedPath(requestUri(ctx.req));
  const q = internal.indexOf('?');
  return q === -1 ? internal : internal.slice(0, q);
}

/** An internal redirect to a URI turns every method but HEAD into GET (a named location keeps it). */
export const currentMethod = (ctx: VariableContext): string =>
  ctx.internalUri !== undefined && ctx.req.method !== 'HEAD' ? 'GET' : ctx.req.method;

/** undefined: nginx's "not found" (empty in values, `-` in the access log). */
type Getter = (ctx: VariableContext) => string | undefined;

/** A compiled value like `$host:$server_port`: literal text interleaved with variable getters. */
export type Template = (ctx: VariableContext) => string;

const HOSTNAME = hostname();

/** nginx prints an HTTP/0.9 answer's status as 009. */
export function upstreamStatus(status: number): string {
  return status === 9 ? '009' : String(status);
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(3));

/**
 * `$upstream_*` lists: one item per attempt, `, `-separated, ` : ` between the locations of an
 * error_page; not found before the first attempt.
 */
function perAttempt(item: (attempt: AttemptRecord, last: boolean, ctx: VariableContext) => string): Getter {
  return (ctx) => {
    const { attempts, redirectedAfter } = ctx;
    if (attempts.length === 0) return undefined;
    let out = '';
    for (let i = 0; i < attempts.length; i++) {
      if (i > 0) out += i === redirectedAfter ? ' : ' : ', ';
      out += item(attempts[i]!, i === attempts.length - 1, ctx);
    }
    return out;
  };
}

/** A header of a flat name/value list, values of repeated names joined as nginx does. */
function listHeader(list: readonly string[] | undefined, name: string): string | undefined {
  if (!list) return undefined;
  const values: string[] = [];
  for (let i = 0; i < list.length; i += 2) {
    if (list[i]!.toLowerCase() === name) values.push(list[i + 1]!);
  }
  return values.length === 0 ? undefined : values.join(name === 'set-cookie' ? '; ' : ', ');
}

const VARIABLES: Record<string, Getter> = {
  host: (ctx) => requestHost(ctx.req, ctx.serverName),
  remote_addr: (ctx) => remoteAddr(ctx.req),
  binary_remote_addr: (ctx) => binaryAddr(remoteAddr(ctx.req)),
  remote_port: (ctx) => String(ctx.req.socket.remotePort ?? ''),
  proxy_add_x_forwarded_for: (ctx) => {
    const xff = header(ctx.req, 'x-forwarded-for');
    return xff ? `${xff}, ${remoteAddr(ctx.req)}` : remoteAddr(ctx.req);
  },
  scheme: () => 'http',
  https: () => '',
  server_name: (ctx) => ctx.serverName,
  server_port: (ctx) => String(ctx.serverPort),
  server_addr: (ctx) => {
    const addr = ctx.req.socket.localAddress ?? '';
    return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  },
  server_protocol: (ctx) =>
    ctx.refused?.versionRefused ? '' : lineParsed((c) => `HTTP/${c.req.httpVersion}`)(ctx),
  request_method: lineParsed(currentMethod),
  request_uri: lineParsed((ctx) => requestUri(ctx.req)),
  request: (ctx) => ctx.refused?.request ?? `${ctx.req.method} ${ctx.req.url} HTTP/${ctx.req.httpVersion}`,
  request_length: (ctx) => String(requestLength(ctx.req, ctx.requestBodyBytes ?? 0)),
  uri: lineParsed(currentPath),
  document_uri: lineParsed(currentPath),
  args: lineParsed((ctx) => args(currentUri(ctx))),
  query_string: lineParsed((ctx) => args(currentUri(ctx))),
  is_args: lineParsed((ctx) => (args(currentUri(ctx)) === '' ? '' : '?')),
  content_length: (ctx) => ctx.req.headers['content-length'],
  content_type: (ctx) => ctx.req.headers['content-type'],
  cookie: (ctx) => ctx.req.headers.cookie,
  connection: (ctx) => String(connectionNumber(ctx.req.socket)),
  proxy_host: (ctx) => ctx.proxyHost,
  // `[::1]` has colons but no port.
  proxy_port: (ctx) => /:(\d+)$/.exec(ctx.proxyHost)?.[1] ?? '80',
  hostname: () => HOSTNAME,
  pid: () => String(process.pid),
  request_id: () => randomBytes(16).toString('hex'),
  msec: () => msec(Date.now()),
  time_local: () => timeLocal(new Date()),
  time_iso8601: () => timeIso8601(new Date()),
  request_time: (ctx) => ((Date.now() - ctx.startMs) / 1000).toFixed(3),
  status: (ctx) => (ctx.status === 0 ? '000' : String(ctx.status)),
  upstream_addr: perAttempt((a) => a.addr),
  upstream_status: perAttempt((a) => upstreamStatus(a.status)),
  upstream_response_time: perAttempt((a, last, ctx) =>
    last && ctx.upstreamInProgress ? '-' : seconds(a.ms),
  ),
  upstream_connect_time: perAttempt((a) => seconds(a.connectMs)),
  upstream_header_time: perAttempt((a) => seconds(a.headerMs)),
  upstream_bytes_received: perAttempt((a) => String(a.bytesReceived ?? 0)),
  // No proxy_cache here: nginx leaves the variable not found.
  upstream_cache_status: () => undefined,
  nginx_version: () => '1.22.1',
};

const PREFIXED: Array<[string, (name: string) => Getter]> = [
  ['http_', (name) => (ctx) => (ctx.req.headers[name] === undefined ? undefined : header(ctx.req, name))],
  ['arg_', (name) => (ctx) => argValue(currentUri(ctx), name)],
  ['cookie_', (name) => (ctx) => cookieValue(ctx.req, name)],
  ['sent_http_', (name) => (ctx) => listHeader(ctx.sentHeaders, name)],
  ['upstream_http_', (name) => (ctx) => listHeader(ctx.upstreamHeaders, name)],
];

function getterFor(name: string): Getter | undefined {
  const lower = name.toLowerCase();
  const direct = VARIABLES[lower];
  if (direct) return direct;
  for (const [prefix, make] of PREFIXED) {
    if (!lower.startsWith(prefix) || lower.length === prefix.length) continue;
    const rest = lower.slice(prefix.length);
    return make(prefix.endsWith('http_') ? rest.replace(/_/g, '-') : rest);
  }
  return undefined;
}

export function isKnownVariable(name: string): boolean {
  return getterFor(name) !== undefined;
}

/** Names of the variables a value uses, in order (lower-cased); throws on a malformed value. */
export function variablesIn(value: string): string[] {
  return scanValue(value).flatMap((part) => (part.kind === 'variable' ? [part.name] : []));
}

/** The first variable of a value that nginx does not know, if any; throws on a malformed value. */
export function unknownVariableIn(value: string): string | undefined {
  return variablesIn(value).find((name) => !isKnownVariable(name));
}

/** No regex locations here, so captures are always empty. */
const noCapture: Getter = () => '';

/**
 * Compiles an nginx value with variables; throws on an unknown variable, as `nginx -t` does.
 * `notFound` is what a variable nginx has no value for reads as (`-` in the access log).
 */
export function compileTemplate(value: string, notFound = ''): Template {
  const parts: Array<string | Getter> = [];
  for (const part of scanValue(value)) {
    if (part.kind === 'text') parts.push(part.text);
    else if (part.kind === 'capture') parts.push(noCapture);
    else {
      const getter = getterFor(part.name);
      if (!getter) throw new Error(`unknown "${part.name}" variable`);
      parts.push(getter);
    }
  }
  if (parts.length === 0) return () => '';
  if (parts.length === 1) {
    const only = parts[0]!;
    return typeof only === 'string' ? () => only : (ctx) => only(ctx) ?? notFound;
  }
  return (ctx) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : (part(ctx) ?? notFound);
    return out;
  };
}
