import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import type { AttemptRecord } from './record';

/** What nginx variables can see of a request while it is proxied. */
export interface VariableContext {
  req: IncomingMessage;
  serverName: string;
  serverPort: number;
  /** The upstream name (`$proxy_host`), or `host:port` for an implicit upstream. */
  proxyHost: string;
  startMs: number;
  /** Attempts so far, for `$upstream_addr`, `$upstream_status` and `$upstream_response_time`. */
  attempts: AttemptRecord[];
  status: number;
}

type Getter = (ctx: VariableContext) => string;

/** A compiled value like `$host:$server_port`: literal text interleaved with variable getters. */
export type Template = (ctx: VariableContext) => string;

const HOSTNAME = hostname();

function header(ctx: VariableContext, name: string): string {
  const value = ctx.req.headers[name];
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
}

function remoteAddr(ctx: VariableContext): string {
  const addr = ctx.req.socket.remoteAddress ?? '';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

/** `$binary_remote_addr` as a latin1 string of the address bytes, so hash keys see nginx's bytes. */
function binaryAddr(addr: string): string {
  return /^\d+\.\d+\.\d+\.\d+$/.test(addr) ? String.fromCharCode(...addr.split('.').map(Number)) : addr;
}

/** nginx `$host`: request-line host, else Host header, else the first server_name; lower-cased, no port. */
export function requestHost(req: IncomingMessage, serverName: string): string {
  let host: string;
  const url = req.url ?? '';
  if (url.startsWith('http://') || url.startsWith('https://')) {
    const end = url.indexOf('/', url.indexOf('//') + 2);
    host = url.slice(url.indexOf('//') + 2, end === -1 ? undefined : end);
  } else {
    host = req.headers.host ?? '';
  }
  if (host === '') return serverName;
  host = host.toLowerCase();
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = host.indexOf(':', bracket + 1);
  if (colon !== -1) host = host.slice(0, colon);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

function requestUri(ctx: VariableContext): string {
  const url = ctx.req.url ?? '/';
  if (url.startsWith('/')) return url;
  const at = url.indexOf('/', url.indexOf('//') + 2);
  return at === -1 ? '/' : url.slice(at);
}

function args(ctx: VariableContext): string {
  const uri = requestUri(ctx);
  const q = uri.indexOf('?');
  return q === -1 ? '' : uri.slice(q + 1);
}

/** nginx `$uri`: the decoded, normalised path (dot segments resolved, slashes merged). */
export function normalizedPath(uri: string): string {
  const end = uri.search(/[?#]/);
  let path = end === -1 ? uri : uri.slice(0, end);
  try {
    path = decodeURIComponent(path);
  } catch {
    // nginx keeps undecodable escapes as they are
  }
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}${path.endsWith('/') && out.length ? '/' : ''}`;
}

function argValue(ctx: VariableContext, name: string): string {
  for (const pair of args(ctx).split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key.toLowerCase() === name) return eq === -1 ? '' : pair.slice(eq + 1);
  }
  return '';
}

function cookieValue(ctx: VariableContext, name: string): string {
  for (const part of header(ctx, 'cookie').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq) === name) return part.slice(eq + 1);
  }
  return '';
}

/** nginx prints an HTTP/0.9 answer's status as 009. */
export function upstreamStatus(status: number): string {
  return status === 9 ? '009' : String(status);
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$time_local`: `25/Nov/2026:07:55:10 +0000`. */
export function timeLocal(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${twoDigits(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:` +
    `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())} ` +
    `${sign}${twoDigits(Math.floor(abs / 60))}${twoDigits(abs % 60)}`
  );
}

const VARIABLES: Record<string, Getter> = {
  host: (ctx) => requestHost(ctx.req, ctx.serverName),
  http_host: (ctx) => header(ctx, 'host'),
  remote_addr: remoteAddr,
  binary_remote_addr: (ctx) => binaryAddr(remoteAddr(ctx)),
  remote_port: (ctx) => String(ctx.req.socket.remotePort ?? ''),
  proxy_add_x_forwarded_for: (ctx) => {
    const xff = header(ctx, 'x-forwarded-for');
    return xff ? `${xff}, ${remoteAddr(ctx)}` : remoteAddr(ctx);
  },
  scheme: () => 'http',
  https: () => '',
  server_name: (ctx) => ctx.serverName,
  server_port: (ctx) => String(ctx.serverPort),
  server_addr: (ctx) => {
    const addr = ctx.req.socket.localAddress ?? '';
    return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  },
  server_protocol: (ctx) => `HTTP/${ctx.req.httpVersion}`,
  request_method: (ctx) => ctx.req.method ?? '',
  request_uri: requestUri,
  request: (ctx) => `${ctx.req.method} ${ctx.req.url} HTTP/${ctx.req.httpVersion}`,
  uri: (ctx) => normalizedPath(requestUri(ctx)),
  document_uri: (ctx) => normalizedPath(requestUri(ctx)),
  args,
  query_string: args,
  is_args: (ctx) => (args(ctx) === '' && !requestUri(ctx).includes('?') ? '' : '?'),
  content_length: (ctx) => header(ctx, 'content-length'),
  content_type: (ctx) => header(ctx, 'content-type'),
  cookie: (ctx) => header(ctx, 'cookie'),
  proxy_host: (ctx) => ctx.proxyHost,
  proxy_port: (ctx) => {
    const colon = ctx.proxyHost.lastIndexOf(':');
    return colon === -1 ? '80' : ctx.proxyHost.slice(colon + 1);
  },
  hostname: () => HOSTNAME,
  pid: () => String(process.pid),
  request_id: () => randomBytes(16).toString('hex'),
  msec: () => (Date.now() / 1000).toFixed(3),
  time_local: () => timeLocal(new Date()),
  time_iso8601: () => new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
  request_time: (ctx) => ((Date.now() - ctx.startMs) / 1000).toFixed(3),
  status: (ctx) => String(ctx.status),
  upstream_addr: (ctx) => ctx.attempts.map((a) => a.addr).join(', '),
  upstream_status: (ctx) => ctx.attempts.map((a) => upstreamStatus(a.status)).join(', '),
  upstream_response_time: (ctx) => ctx.attempts.map((a) => (a.ms / 1000).toFixed(3)).join(', '),
  nginx_version: () => '1.22.1',
};

const PREFIXED: Array<[string, (name: string) => Getter]> = [
  ['http_', (name) => (ctx) => header(ctx, name.replace(/_/g, '-'))],
  ['arg_', (name) => (ctx) => argValue(ctx, name)],
  ['cookie_', (name) => (ctx) => cookieValue(ctx, name)],
  ['sent_http_', () => () => ''],
  ['upstream_http_', () => () => ''],
];

function getterFor(name: string): Getter | undefined {
  const lower = name.toLowerCase();
  const direct = VARIABLES[lower];
  if (direct) return direct;
  for (const [prefix, make] of PREFIXED) {
    if (lower.startsWith(prefix) && lower.length > prefix.length) return make(lower.slice(prefix.length));
  }
  return undefined;
}

export function isKnownVariable(name: string): boolean {
  return getterFor(name) !== undefined;
}

const VARIABLE = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;

/** Names of the variables a value uses, in order. */
export function variablesIn(value: string): string[] {
  return [...value.matchAll(VARIABLE)].map((m) => (m[1] ?? m[2])!);
}

/** Compiles an nginx value with variables; throws on an unknown variable, as `nginx -t` does. */
export function compileTemplate(value: string): Template {
  const parts: Array<string | Getter> = [];
  let last = 0;
  for (const match of value.matchAll(VARIABLE)) {
    const name = (match[1] ?? match[2])!;
    const getter = getterFor(name);
    if (!getter) throw new Error(`unknown "${name}" variable`);
    if (match.index > last) parts.push(value.slice(last, match.index));
    parts.push(getter);
    last = match.index + match[0].length;
  }
  if (last < value.length) parts.push(value.slice(last));
  if (parts.length === 0) return () => '';
  if (parts.length === 1) {
    const only = parts[0]!;
    return typeof only === 'string' ? () => only : only;
  }
  return (ctx) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : part(ctx);
    return out;
  };
}
