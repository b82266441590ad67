/** One upstream attempt of a request: which peer, with which outcome. */
export interface AttemptRecord {
  /** Peer display name (`backend2`), or the upstream name when no live peer was found. */
  peer: string;
  /** `$upstream_addr` item. */
  addr: string;
  /** `$upstream_status` item: the upstream's status, or the one nginx assigned the failure (502, 504). */
  status: number;
  /** Milliseconds from choosing the peer to the end of the attempt. */
  ms: number;
  /** `$upstream_connect_time` (ms); absent when the connection was never made. */
  connectMs?: number;
  /** `$upstream_header_time` (ms); absent when no response head arrived. */
  headerMs?: number;
  /** `$upstream_bytes_received`. */
  bytesReceived?: number;
  /** `$upstream_bytes_sent`: the request head and body written to the upstream. */
  bytesSent?: number;
}

/** What every proxied request leaves behind, delivered to subscribers in batches. */
export interface RequestRecord {
  /** Start, epoch milliseconds. */
  time: number;
  method: string;
  uri: string;
  httpVersion: string;
  host: string;
  clientAddr: string;
  userAgent: string;
  referer: string;
  upstream: string;
  attempts: AttemptRecord[];
  /** The peer whose response reached the client; null when the balancer answered with an error. */
  servedBy: string | null;
  /** Status sent to the client; 499 when the client went away first. */
  status: number;
  /** Milliseconds the final attempt took (`$upstream_response_time`). */
  upstreamMs: number;
  requestMs: number;
  /** Response body bytes sent to the client (`$body_bytes_sent`). */
  bytesSent: number;
  /** Request body bytes received from the client. */
  bytesReceived: number;
  /** The location says `access_log off`: the lab's printed access log leaves it out too. */
  accessLogOff?: true;
}
