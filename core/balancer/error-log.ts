import type { Socket } from 'node:net';
import { constants } from 'node:os';
import type { ErrorLogConfig, ErrorLogLevel } from './config';
import type { LogFile } from './access-log-file';
import type { VariableContext } from './variables';

const SEVERITY: Record<ErrorLogLevel, number> = {
  emerg: 1,
  alert: 2,
  crit: 3,
  error: 4,
  warn: 5,
  notice: 6,
  info: 7,
  debug: 8,
};

/** strerror(3) of the errors a proxied connection meets, as nginx prints them. */
const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

/** Where an attempt was when it failed: nginx's `while ...` context of an upstream error. */
export type UpstreamPhase =
  | 'connecting to upstream'
  | 'sending request to upstream'
  | 'reading response header from upstream'
  | 'reading upstream';

const SYSCALL: Record<string, string> = { connect: 'connect()', read: 'recv()', write: 'writev()' };

/** `(111: Connection refused)`, nginx's rendering of an errno. */
export function errnoText(code: string): string {
  const errno = (constants.errno as Record<string, number>)[code];
  return errno === undefined ? code : `(${errno}: ${STRERROR[code] ?? code})`;
}

/** nginx's text for a socket error of an attempt: `connect() failed (111: Connection refused)`. */
export function socketErrorMessage(error: NodeJS.ErrnoException | undefined, phase: UpstreamPhase): string {
  const code = error?.code;
  if (code === undefined) return 'upstream prematurely closed connection';
  const syscall =
    SYSCALL[error?.syscall ?? ''] ?? (phase === 'connecting to upstream' ? 'connect()' : 'recv()');
  return `${syscall} failed ${errnoText(code)}`;
}

/** nginx's `upstream sent invalid header: "Bad\x20..."`: the line up to its first bad byte. */
export function invalidHeaderMessage(line: string | null): string {
  // eslint-disable-next-line no-control-regex -- the bytes nginx refuses in a header name
  const bad = line === null ? -1 : line.search(/[\x00-\x20\x7f]/);
  if (line === null || bad === -1) return 'upstream sent invalid header';
  const code = line.charCodeAt(bad).toString(16).padStart(2, '0');
  return `upstream sent invalid header: "${line.slice(0, bad)}\\x${code}..."`;
}

let connectionCounter = 0;
const connectionNumbers = new WeakMap<Socket, number>();

/** nginx's `*N`: a number per client connection, in the order they were first seen. */
export function connectionNumber(socket: Socket): number {
  let number = connectionNumbers.get(socket);
  if (number === undefined) {
    number = ++connectionCounter;
    connectionNumbers.set(socket, number);
  }
  return number;
}

const two = (n: number): string => String(n).padStart(2, '0');

function errorLogTime(date: Date): string {
  return (
    `${date.getFullYear()}/${two(date.getMonth() + 1)}/${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}

/** One upstream error, with the request it happened to. */
export interface UpstreamError {
  level: ErrorLogLevel;
  message: string;
  vars: VariableContext;
  /** `http://127.0.0.1:9/path`, or `http://backend/path` when no peer was chosen; none before one. */
  upstream?: string;
}

/** ngx_http_log_error's line: `TIME [LEVEL] PID#0: *N MESSAGE, client: ..., server: ..., ...`. */
export function errorLogLine(error: UpstreamError, now: Date): string {
  const { req } = error.vars;
  const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  let line =
    `${errorLogTime(now)} [${error.level}] ${process.pid}#0: *${connectionNumber(req.socket)} ${error.message}, ` +
    `client: ${client}, server: ${error.vars.serverName}, ` +
    `request: "${req.method} ${req.url} HTTP/${req.httpVersion}"`;
  if (error.upstream !== undefined) line += `, upstream: "${error.upstream}"`;
  const host = req.headers.host;
  if (host !== undefined) line += `, host: "${host}"`;
  const referer = req.headers.referer;
  if (referer !== undefined) line += `, referrer: "${referer}"`;
  return line;
}

export type ErrorLogListener = (line: string, time: number) => void;

/**
 * A location's error_log: lines at or above its level go to the file and to the listener (the
 * lab's log). Without an error_log in the conf, nginx's default level (`error`) and no file.
 */
export class ErrorLog {
  private readonly level: number;

  constructor(
    config: ErrorLogConfig | undefined,
    private readonly file: LogFile | null,
    private readonly listener: ErrorLogListener,
  ) {
    this.level = SEVERITY[config?.level ?? 'error'];
  }

  write(error: UpstreamError): void {
    if (SEVERITY[error.level] > this.level) return;
    const now = Date.now();
    const line = errorLogLine(error, new Date(now));
    this.file?.write(`${line}\n`);
    this.listener(line, now);
  }
}
