import type { Balancer } from './balancer';
import type { RequestRecord } from './record';
import { timeLocal, upstreamStatus } from './variables';

function quoted(value: string): string {
  return value === '' ? '"-"' : `"${value.replace(/["\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`)}"`;
}

/**
 * nginx's `combined` format followed by upstream_addr, upstream_status, request_time and
 * upstream_response_time:
 * `$remote_addr - - [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
 * $upstream_addr $upstream_status $request_time $upstream_response_time`
 */
export function accessLogLine(record: RequestRecord): string {
  const client = record.clientAddr.startsWith('::ffff:') ? record.clientAddr.slice(7) : record.clientAddr;
  const attempts = record.attempts;
  const list = (pick: (a: RequestRecord['attempts'][number]) => string): string =>
    attempts.length ? attempts.map(pick).join(', ') : '-';
  return (
    `${client} - - [${timeLocal(new Date(record.time))}] ` +
    `"${record.method} ${record.uri} HTTP/${record.httpVersion}" ${record.status} ${record.bytesSent} ` +
    `${quoted(record.referer)} ${quoted(record.userAgent)} ` +
    `${list((a) => a.addr)} ${list((a) => upstreamStatus(a.status))} ` +
    `${(record.requestMs / 1000).toFixed(3)} ${list((a) => (a.ms / 1000).toFixed(3))}`
  );
}

/** `nginx -s reopen` for logrotate: SIGUSR1 reopens the balancer's log files; returns the unhook. */
export function reopenOnSigusr1(balancer: Pick<Balancer, 'reopenLogs'>): () => void {
  const reopen = (): void => balancer.reopenLogs();
  process.on('SIGUSR1', reopen);
  return () => process.off('SIGUSR1', reopen);
}
