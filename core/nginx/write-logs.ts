import type { LogFormatConfig, ServerLevelConfig } from '../balancer/config';
import { quoteArg } from './quote';
import { formatMs, formatSize } from './units';

/** `log_format NAME [escape=...] 'STRING';` lines for the http block. */
export function logFormatLines(formats: readonly LogFormatConfig[] = []): string[] {
  return formats.map(
    (format) =>
      `log_format ${quoteArg(format.name)}${format.escape === 'default' ? '' : ` escape=${format.escape}`} ` +
      `${quoteArg(format.format)};`,
  );
}

/** A location's access_log and error_log lines, written whole (no inheritance is used). */
export function locationLogLines(location: Pick<ServerLevelConfig, 'accessLog' | 'errorLog'>): string[] {
  const lines: string[] = [];
  if (location.accessLog?.length === 0) lines.push('access_log off;');
  for (const log of location.accessLog ?? []) {
    const params = [
      quoteArg(log.path),
      quoteArg(log.format),
      log.bufferBytes > 0 ? `buffer=${formatSize(log.bufferBytes)}` : '',
      log.flushMs > 0 ? `flush=${formatMs(log.flushMs)}` : '',
    ].filter((param) => param !== '');
    lines.push(`access_log ${params.join(' ')};`);
  }
  if (location.errorLog)
    lines.push(`error_log ${quoteArg(location.errorLog.path)} ${location.errorLog.level};`);
  return lines;
}
