import {
  ERROR_LOG_LEVELS,
  type AccessLogConfig,
  type ErrorLogConfig,
  type ErrorLogLevel,
  type LogEscape,
  type LogFormatConfig,
} from '../balancer/config';
import { compileLogFormat } from '../balancer/log-format';
import type { Directive } from './ast';
import { expectArgs, expectSimple, invalidParameter } from './directive-rules';
import { ConfigError, type SourcePosition } from './errors';
import { parseSize, parseTime } from './units';

/** An access_log line as written; its format name is checked once all log_format are known. */
export interface WrittenAccessLog {
  config: AccessLogConfig;
  at: SourcePosition;
}

/** `log_format NAME [escape=default|json|none] STRING ...;` (http level only). */
export function parseLogFormat(directive: Directive, known: readonly LogFormatConfig[]): LogFormatConfig {
  expectSimple(directive);
  const [nameArg, ...rest] = expectArgs(directive, 2, Infinity);
  const name = nameArg?.value ?? '';
  if (name === 'combined' || known.some((format) => format.name === name)) {
    throw new ConfigError(directive.at, `duplicate "log_format" name "${name}"`);
  }
  let escape: LogEscape = 'default';
  const first = rest[0];
  if (first?.value.startsWith('escape=')) {
    const value = first.value.slice('escape='.length);
    if (value !== 'default' && value !== 'json' && value !== 'none') {
      throw new ConfigError(first.at, `unknown log format escaping "${value}"`);
    }
    escape = value;
    rest.shift();
  }
  if (rest.length === 0) {
    throw new ConfigError(directive.at, `invalid number of arguments in "log_format" directive`);
  }
  const format: LogFormatConfig = { name, escape, format: rest.map((arg) => arg.value).join('') };
  try {
    compileLogFormat(format);
  } catch (error) {
    throw new ConfigError(directive.at, (error as Error).message);
  }
  return format;
}

/** `access_log PATH [FORMAT [buffer=SIZE] [flush=TIME]] | off;`: `[]` for off. */
export function parseAccessLog(directive: Directive): WrittenAccessLog[] {
  expectSimple(directive);
  const [pathArg, formatArg, ...params] = expectArgs(directive, 1, Infinity);
  const path = pathArg?.value ?? '';
  if (path === 'off') {
    if (formatArg) throw invalidParameter(formatArg);
    return [];
  }
  const config: AccessLogConfig = {
    path,
    format: formatArg?.value ?? 'combined',
    bufferBytes: 0,
    flushMs: 0,
  };
  for (const param of params) {
    const [key, value = ''] = splitParam(param.value);
    if (key === 'buffer') {
      const size = parseSize(value);
      if (size === undefined || size === 0) throw new ConfigError(param.at, `invalid buffer size "${value}"`);
      config.bufferBytes = size;
    } else if (key === 'flush') {
      const ms = parseTime(value, false);
      if (ms === undefined || ms === 0) throw new ConfigError(param.at, `invalid flush time "${value}"`);
      config.flushMs = ms;
    } else {
      throw invalidParameter(param);
    }
  }
  if (config.flushMs > 0 && config.bufferBytes === 0) {
    throw new ConfigError(directive.at, `no buffer is defined for access_log "${path}"`);
  }
  return [{ config, at: directive.at }];
}

/** `error_log PATH [LEVEL];` */
export function parseErrorLog(directive: Directive): ErrorLogConfig {
  expectSimple(directive);
  const [pathArg, levelArg] = expectArgs(directive, 1, 2);
  const level = levelArg?.value ?? 'error';
  if (!(ERROR_LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(levelArg?.at ?? directive.at, `invalid log level "${level}"`);
  }
  return { path: pathArg?.value ?? '', level: level as ErrorLogLevel };
}

/** Every access_log names a defined format (`combined` is predefined). */
export function checkAccessLogFormats(
  logs: readonly WrittenAccessLog[],
  formats: readonly LogFormatConfig[],
): void {
  for (const { config, at } of logs) {
    if (config.format !== 'combined' && !formats.some((format) => format.name === config.format)) {
      throw new ConfigError(at, `unknown log format "${config.format}"`);
    }
  }
}

function splitParam(text: string): [string, string?] {
  const eq = text.indexOf('=');
  return eq === -1 ? [text] : [text.slice(0, eq), text.slice(eq + 1)];
}
