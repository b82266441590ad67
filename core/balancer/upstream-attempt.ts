import type { UpstreamPhase } from './error-log';
import type { Peer } from './peer';
import type { AttemptRecord } from './record';
import type { ResponseHead, ResponseParser } from './response-parser';
import type { UpstreamLink } from './upstream-link';

/** One upstream attempt: its connection and parser. Events of a superseded attempt are ignored. */
export interface Attempt {
  peer: Peer;
  link: UpstreamLink;
  parser: ResponseParser;
  startMs: number;
  /** The connection came from the keep-alive cache (nginx `pc->cached`). */
  reused: boolean;
  head: ResponseHead | null;
  /** Writing the request began (nginx `request_sent`): POST, PATCH and LOCK can't be retried after. */
  started: boolean;
  /** The whole request (head and body) has been written. */
  sent: boolean;
  record: AttemptRecord | null;
  connectMs?: number;
  bytesReceived: number;
  /** The socket's bytesWritten when the attempt took it (a kept-alive connection has written before). */
  writtenBefore: number;
}

/** Where an attempt was when it failed, in nginx's error_log wording ("while connecting to upstream"). */
export function phaseOf(attempt: Attempt): UpstreamPhase {
  if (attempt.head !== null) return 'reading upstream';
  if (!attempt.started) return 'connecting to upstream';
  return attempt.sent ? 'reading response header from upstream' : 'sending request to upstream';
}

/** The attempt's entry in `$upstream_addr`, `$upstream_status` and the timings. */
export function attemptRecord(attempt: Attempt, status: number, now: number): AttemptRecord {
  return {
    peer: attempt.peer.name,
    addr: attempt.peer.addr,
    status,
    ms: now - attempt.startMs,
    ...(attempt.connectMs === undefined ? {} : { connectMs: attempt.connectMs }),
    ...(attempt.head === null ? {} : { headerMs: now - attempt.startMs }),
    bytesReceived: attempt.bytesReceived,
    bytesSent: bytesSent(attempt),
  };
}

/** What this attempt wrote to the upstream so far (`$upstream_bytes_sent`). */
export function bytesSent(attempt: Attempt): number {
  return attempt.link.socket.bytesWritten - attempt.writtenBefore;
}

/** The upstream connection can serve another request: its response ended exactly at its framing. */
export function reusable(attempt: Attempt): boolean {
  return attempt.sent && attempt.head !== null && !attempt.head.close && attempt.parser.done;
}
