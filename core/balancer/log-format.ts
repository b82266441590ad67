import type { LogEscape, LogFormatConfig } from './config';
import { compileTemplate, timeLocal, type VariableContext } from './variables';

/** What the log module sees when a request ends. */
export interface LogContext {
  vars: VariableContext;
  status: number;
  bodyBytesSent: number;
  /** Head and body bytes (`$bytes_sent`). */
  bytesSent: number;
  endMs: number;
}

export type LogLine = (ctx: LogContext) => string;

/** nginx's predefined format. */
export const COMBINED: LogFormatConfig = {
  name: 'combined',
  escape: 'default',
  format:
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
};

type Value = (ctx: LogContext) => string | undefined;

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** ngx_http_log_module's own variables: values at the moment the line is written. */
const LOG_VARIABLES: Record<string, Value> = {
  status: (ctx) => String(ctx.status).padStart(3, '0'),
  body_bytes_sent: (ctx) => String(ctx.bodyBytesSent),
  bytes_sent: (ctx) => String(ctx.bytesSent),
  request_time: (ctx) => seconds(Math.max(0, ctx.endMs - ctx.vars.startMs)),
  msec: (ctx) => seconds(ctx.endMs),
  time_local: (ctx) => timeLocal(new Date(ctx.endMs)),
  time_iso8601: (ctx) => isoLocal(new Date(ctx.endMs)),
  pipe: () => '.',
  // No auth module: never set.
  remote_user: () => undefined,
};

function isoLocal(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offset >= 0 ? '+' : '-'}${hh}:${mm}`;
}

const NOT_FOUND = '\u0000';
/** Found even when empty, so written empty rather than `-`: `$host` with no Host and no server_name, a refused version. */
const FOUND_WHEN_EMPTY = new Set(['host', 'server_protocol']);

function variable(name: string): Value {
  const own = LOG_VARIABLES[name.toLowerCase()];
  if (own) return own;
  // Throws nginx's `unknown "name" variable`.
  const getter = compileTemplate(`\${${name}}`, NOT_FOUND);
  const emptyIsFound = FOUND_WHEN_EMPTY.has(name.toLowerCase());
  // Most of our variables read '' for nginx's "not found" (no query string, no upstream yet).
  return (ctx) => {
    const value = getter(ctx.vars);
    if (value === NOT_FOUND) return undefined;
    return value === '' && !emptyIsFound ? undefined : value;
  };
}

const hex = (code: number, digits: string): string => digits[code >> 4]! + digits[code & 0xf]!;

/** ngx_http_log_escape: `"`, `\`, controls and bytes from 0x7f as `\xXX`. */
function escapeDefault(value: string): string {
  // eslint-disable-next-line no-control-regex -- control bytes are exactly what is escaped
  return value.replace(/["\\\x00-\x1f\x7f-\xff]/g, (c) => `\\x${hex(c.charCodeAt(0), '0123456789ABCDEF')}`);
}

const JSON_SHORT: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** ngx_escape_json. */
function escapeJson(value: string): string {
  return value.replace(
    // eslint-disable-next-line no-control-regex -- control bytes are exactly what is escaped
    /["\\\x00-\x1f]/g,
    (c) =>
      JSON_SHORT[c] ??
      (c === '"' || c === '\\' ? `\\${c}` : `\\u00${hex(c.charCodeAt(0), '0123456789abcdef')}`),
  );
}

function render(value: string | undefined, escape: LogEscape): string {
  if (value === undefined) return escape === 'default' ? '-' : '';
  if (escape === 'default') return escapeDefault(value);
  return escape === 'json' ? escapeJson(value) : value;
}

const VARIABLE = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;

/** Compiles a log_format; throws nginx's message for an unknown variable. */
export function compileLogFormat(format: LogFormatConfig): LogLine {
  const parts: Array<string | Value> = [];
  let last = 0;
  for (const match of format.format.matchAll(VARIABLE)) {
    if (match.index > last) parts.push(format.format.slice(last, match.index));
    parts.push(variable((match[1] ?? match[2])!));
    last = match.index + match[0].length;
  }
  if (last < format.format.length) parts.push(format.format.slice(last));
  const { escape } = format;
  return (ctx) => {
    let line = '';
    for (const part of parts) line += typeof part === 'string' ? part : render(part(ctx), escape);
    return line;
  };
}
