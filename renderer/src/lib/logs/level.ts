import type { LogLine } from '../../../../core/api/contract';

export type LogLevel = 'error' | 'warning' | 'info';

/** The lab's own sources: their stderr is what went wrong (a build step, a refused message). */
const OURS = new Set(['lab', 'build', 'migrate']);
/** nginx's error_log levels, as our balancer writes them. */
const NGINX_LEVEL = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(\w+)\]/;
/** `"GET / HTTP/1.1" 200 271`: an access line (Django's runserver, ours, gunicorn's), its status. */
const ACCESS_STATUS = /"[A-Z]+ [^"]* HTTP\/[\d.]+" (\d{3})\b/;
const ERROR_WORDS =
  /\b(CRITICAL|ERROR|FATAL|Traceback \(most recent call last\))|^\s+File "[^"]+", line \d+|^[\w.]+(Error|Exception): /;
const WARNING_WORDS = /\bWARN(ING)?\b/;

/**
 * How a line should look, from what it says rather than the stream it came on: Django writes
 * every request's line to stderr, so stderr alone would colour a healthy log red.
 */
export function lineLevel(line: Pick<LogLine, 'source' | 'stream' | 'text'>): LogLevel {
  if (OURS.has(line.source)) return line.stream === 'stderr' ? 'error' : 'info';
  const nginx = NGINX_LEVEL.exec(line.text)?.[1];
  if (nginx)
    return nginx === 'warn' ? 'warning' : /^(error|crit|alert|emerg)$/.test(nginx) ? 'error' : 'info';
  const status = Number(ACCESS_STATUS.exec(line.text)?.[1]);
  if (status >= 500) return 'error';
  if (status >= 400) return 'warning';
  if (status > 0) return 'info';
  if (ERROR_WORDS.test(line.text)) return 'error';
  if (WARNING_WORDS.test(line.text)) return 'warning';
  return 'info';
}
