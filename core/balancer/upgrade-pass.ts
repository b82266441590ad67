import type { ClientResponse } from '../http1/client-response';
import type { ResponseHead } from './response-parser';
import { openTunnel, type TunnelTimeouts } from './tunnel';
import type { UpstreamLink } from './upstream-link';

/** Characters outside those RFC 9110 allows in a header value. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** The 101 the client gets: the upstream's headers (Upgrade, Connection, Sec-WebSocket-*), our Server. */
export function switchingHead(head: ResponseHead): string {
  let text = 'HTTP/1.1 101 Switching Protocols\r\nServer: upstream-lab\r\n';
  for (let i = 0; i < head.headers.length; i += 2) {
    const value = head.headers[i + 1]!;
    if (head.headers[i]!.toLowerCase() === 'server' || INVALID_VALUE.test(value)) continue;
    text += `${head.headers[i]}: ${value}\r\n`;
  }
  return text + '\r\n';
}

/**
 * The Upgrade pass's answer to a 101 (nginx's `u->upgrade`): the client's connection leaves the
 * HTTP layer, the upstream's is no longer an attempt's, and bytes flow both ways until one closes.
 */
export function switchProtocols(
  res: ClientResponse,
  link: UpstreamLink,
  head: ResponseHead,
  fromUpstream: Buffer,
  timeouts: TunnelTimeouts,
  closed: () => void,
): void {
  link.hold(null);
  const { socket } = link;
  socket.removeAllListeners();
  socket.setTimeout(0);
  socket.on('error', () => undefined);
  const fromClient = res.release();
  openTunnel(res.socket, socket, switchingHead(head), { fromClient, fromUpstream }, timeouts, closed);
}
