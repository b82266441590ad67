import type { Socket } from 'node:net';

/**
 * Faults the balancer injects on its side of a peer's connections, in the manner of Toxiproxy:
 * no NET_ADMIN, no container change, and nginx's logic sees them as real network trouble.
 * - latency: each connection starts `ms` (± `jitterMs`) late, so responses arrive that much later;
 *   past proxy_connect_timeout it is a timeout.
 * - reset: the connection is reset right after the request is sent (an `error`; POST not retried).
 * - hang: the connection never completes (a `timeout` after proxy_connect_timeout).
 * - bandwidth: the response body is paced to `kbps` kilobytes per second.
 */
export type Toxic =
  | { kind: 'latency'; ms: number; jitterMs: number }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'bandwidth'; kbps: number };

/** Connects `socket` now, later, or never, as the toxic says. `live` tells whether the attempt still matters. */
export function dial(
  socket: Socket,
  host: string,
  port: number,
  toxic: Toxic | null,
  live: () => boolean,
): void {
  const connect = (): void => {
    if (!live()) return;
    socket.connect({ host, port });
    socket.setNoDelay(true);
  };
  if (toxic === null || toxic.kind === 'reset' || toxic.kind === 'bandwidth') connect();
  else if (toxic.kind === 'latency') {
    const delay = Math.max(0, toxic.ms + (Math.random() * 2 - 1) * toxic.jitterMs);
    setTimeout(connect, delay).unref();
  }
  // hang: never connects.
}

/** After the request went out: a reset toxic breaks the connection now. */
export function afterSend(socket: Socket, toxic: Toxic | null): void {
  if (toxic?.kind === 'reset')
    socket.destroy(Object.assign(new Error('connection reset (toxic)'), { code: 'ECONNRESET' }));
}

/** Milliseconds to hold the upstream after `bytes` of body under a bandwidth toxic; 0 otherwise. */
export function paceMs(toxic: Toxic | null, bytes: number): number {
  return toxic?.kind === 'bandwidth' ? bytes / toxic.kbps : 0;
}
