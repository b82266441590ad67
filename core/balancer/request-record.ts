import type { ClientRequest } from '../http1/client-request';
import type { AttemptRecord, RequestRecord } from './record';
import { requestHost } from './variables';

/** Where finished requests' records go (the balancer's batcher). */
export interface RecordSink {
  /** False when nobody listens: then no record is built at all. */
  readonly wanted: boolean;
  push(record: RequestRecord): void;
}

export interface RecordFacts {
  startMs: number;
  serverName: string;
  upstream: string;
  attempts: AttemptRecord[];
  servedBy: string | null;
  status: number;
  bytesSent: number;
  bytesReceived: number;
  accessLogOff: boolean;
}

/** The record a finished proxied request leaves for the dashboard and the lab's access log. */
export function requestRecord(req: ClientRequest, facts: RecordFacts, now: number): RequestRecord {
  const last = facts.attempts[facts.attempts.length - 1];
  const record: RequestRecord = {
    time: facts.startMs,
    method: req.method,
    uri: req.url,
    httpVersion: req.httpVersion,
    host: requestHost(req, facts.serverName),
    clientAddr: req.socket.remoteAddress ?? '',
    userAgent: req.headers['user-agent'] ?? '',
    referer: req.headers.referer ?? '',
    upstream: facts.upstream,
    attempts: facts.attempts,
    servedBy: facts.servedBy,
    status: facts.status,
    upstreamMs: last ? last.ms : 0,
    requestMs: now - facts.startMs,
    bytesSent: facts.bytesSent,
    bytesReceived: facts.bytesReceived,
  };
  if (facts.accessLogOff) record.accessLogOff = true;
  return record;
}
