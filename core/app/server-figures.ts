import type { StatusClasses } from '../api/contract';
import type { CheckOutcome } from '../balancer/health-check';
import type { RequestRecord } from '../balancer/record';
import { MAX_BACKENDS, OTHER_BACKENDS } from './backend-stats';

/** nginx's status for a request whose client closed the connection first. */
const CLIENT_CLOSED = 499;

/** HAProxy's per-server counters, as its stats page shows them, from the request records. */
export interface ServerCounters {
  statuses: StatusClasses;
  /** Request bytes sent to it (`$upstream_bytes_sent`). */
  bytesIn: number;
  /** Response bytes received from it (`$upstream_bytes_received`). */
  bytesOut: number;
  retries: number;
  redispatches: number;
}

function emptyCounters(): ServerCounters {
  return {
    statuses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, errors: 0 },
    bytesIn: 0,
    bytesOut: 0,
    retries: 0,
    redispatches: 0,
  };
}

/**
 * Counts every attempt on a server: what it answered by status class (an attempt that got no
 * response head — refused, timed out, reset — is an error, HAProxy's conn/resp errors), the
 * bytes each way, the attempts passed on to the next server (retries) and the attempts that
 * came to it after another server failed the request (redispatches).
 */
export class ServerFigures {
  readonly #servers = new Map<string, ServerCounters>();

  add(records: readonly RequestRecord[]): void {
    for (const record of records) {
      const { attempts } = record;
      attempts.forEach((attempt, i) => {
        // "no live upstreams" is listed under the upstream's name: no server was tried.
        if (attempt.addr === record.upstream) return;
        const server = this.#entry(attempt.peer);
        server.bytesIn += attempt.bytesSent ?? 0;
        server.bytesOut += attempt.bytesReceived ?? 0;
        if (i < attempts.length - 1) server.retries++;
        if (i > 0 && attempts[i - 1]!.peer !== attempt.peer) server.redispatches++;
        const answered = attempt.headerMs !== undefined;
        if (answered) server.statuses[statusClass(attempt.status)]++;
        // The client went away while it waited: not the server's failure.
        else if (attempt.status !== CLIENT_CLOSED) server.statuses.errors++;
      });
    }
  }

  /** A copy of the server's counters (zero for one never tried). */
  of(name: string): ServerCounters {
    const found = this.#servers.get(name);
    return found ? { ...found, statuses: { ...found.statuses } } : emptyCounters();
  }

  /** A replica created anew starts with fresh figures, as BackendStats does. */
  forget(name: string): void {
    this.#servers.delete(name);
  }

  #entry(wanted: string): ServerCounters {
    const name = this.#servers.has(wanted) || this.#servers.size < MAX_BACKENDS ? wanted : OTHER_BACKENDS;
    let entry = this.#servers.get(name);
    if (!entry) this.#servers.set(name, (entry = emptyCounters()));
    return entry;
  }
}

/** `204` → `2xx`; HTTP/0.9's answer (recorded as 9) is a 200. */
function statusClass(status: number): Exclude<keyof StatusClasses, 'errors'> {
  if (status < 100) return '2xx';
  const hundreds = Math.min(5, Math.floor(status / 100));
  return `${hundreds}xx` as Exclude<keyof StatusClasses, 'errors'>;
}

/**
 * The last health check as HAProxy's stats page says it: `L7OK 200 in 2 ms`, `L4CON refused in
 * 1 ms`, `L4TOUT in 2000 ms`. `undefined`: the upstream has no health check.
 */
export function checkText(check: CheckOutcome | null | undefined): string {
  if (check === undefined) return 'no check';
  if (check === null) return 'not checked yet';
  const what = check.status !== undefined ? ` ${check.status}` : check.reason ? ` ${check.reason}` : '';
  return `${check.kind}${what} in ${Math.round(check.ms)} ms`;
}
