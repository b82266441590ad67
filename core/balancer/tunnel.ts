import type { Socket } from 'node:net';
import { watchSend } from './send-timeout';

export interface TunnelTimeouts {
  readTimeoutMs: number;
  sendTimeoutMs: number;
  clientSendTimeoutMs: number;
}

/**
 * nginx's `ngx_http_upstream_upgrade`: after the upstream's 101, `head` goes to the client, then
 * bytes flow both ways (what either side sent early first) until either side closes, or
 * proxy_read_timeout passes with no traffic, or a write makes no progress for proxy_send_timeout
 * (to the upstream) or send_timeout (to the client).
 */
export function openTunnel(
  client: Socket,
  upstream: Socket,
  head: string,
  early: { fromClient: Buffer; fromUpstream: Buffer },
  timeouts: TunnelTimeouts,
  closed: () => void,
): void {
  let done = false;
  const close = (): void => {
    if (done) return;
    done = true;
    client.destroy();
    upstream.destroy();
    closed();
  };
  client.on('error', close);
  client.on('close', close);
  upstream.on('error', close);
  upstream.on('close', close);
  upstream.on('end', close);
  client.on('end', close);
  upstream.setTimeout(timeouts.readTimeoutMs, close);
  client.write(head, 'latin1');
  if (early.fromUpstream.length > 0) client.write(early.fromUpstream);
  if (early.fromClient.length > 0) upstream.write(early.fromClient);
  relay(client, upstream, timeouts.sendTimeoutMs, close);
  relay(upstream, client, timeouts.clientSendTimeoutMs, close);
  client.resume();
  upstream.resume();
}

/** One direction of the tunnel with backpressure; a write that stalls too long closes it. */
function relay(from: Socket, to: Socket, sendTimeoutMs: number, close: () => void): void {
  from.on('data', (chunk: Buffer) => {
    if (to.write(chunk) || from.isPaused()) return;
    from.pause();
    const unwatch = watchSend(to, sendTimeoutMs, close);
    to.once('drain', () => {
      unwatch();
      from.resume();
    });
  });
}
