import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { errorPage, reasonPhrase } from './error-page';
import type { LocationRoute, ProxyRoute } from './location';
import { FT } from './next-upstream';
import type { RequestRecord } from './record';
import { buildRequestHead } from './request-head';
import { requestHost, type VariableContext } from './variables';

/**
 * Passes an Upgrade (WebSocket) handshake through and then splices the two connections. Unlike
 * nginx, no `proxy_set_header Upgrade/Connection` is needed: upgrades always pass. Only connect
 * failures are retried (nothing has been sent yet); afterwards the tunnel is byte-for-byte.
 */
export function proxyUpgrade(
  req: IncomingMessage,
  client: Socket,
  head: Buffer,
  route: ProxyRoute,
  location: LocationRoute,
  serverName: string,
  serverPort: number,
  record: (record: RequestRecord) => void,
): void {
  const startMs = Date.now();
  const { upstream } = route;
  const state = upstream.begin(route.settings.nextUpstreamTries);
  const attempts: RequestRecord['attempts'] = [];
  const ctx: VariableContext = {
    req,
    serverName,
    serverPort,
    proxyHost: route.proxyHost,
    startMs,
    attempts,
    status: 0,
  };
  client.on('error', () => client.destroy());

  const finish = (status: number): void =>
    record({
      time: startMs,
      method: req.method ?? 'GET',
      uri: req.url ?? '/',
      httpVersion: req.httpVersion,
      host: requestHost(req, serverName),
      clientAddr: req.socket.remoteAddress ?? '',
      userAgent: req.headers['user-agent'] ?? '',
      referer: req.headers.referer ?? '',
      upstream: upstream.name,
      attempts,
      servedBy: status === 101 ? (attempts.at(-1)?.peer ?? null) : null,
      status,
      upstreamMs: attempts.at(-1)?.ms ?? 0,
      requestMs: Date.now() - startMs,
      bytesSent: 0,
      bytesReceived: 0,
    });

  const refuse = (status: number): void => {
    const page = errorPage(status);
    client.end(
      `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\nServer: upstream-lab\r\nContent-Type: text/html\r\n` +
        `Content-Length: ${page.length}\r\nConnection: close\r\n\r\n${page.toString('latin1')}`,
      'latin1',
    );
    finish(status);
  };

  const attempt = (): void => {
    const peer = upstream.get(state, Date.now());
    if (peer === null) {
      attempts.push({ peer: upstream.name, addr: upstream.name, status: 502, ms: 0 });
      refuse(502);
      return;
    }
    const attemptStart = Date.now();
    const socket = connect({ host: peer.host, port: peer.port, noDelay: true });
    let connected = false;
    let failed = false;
    const timer = setTimeout(
      () => socket.destroy(new Error('connect timeout')),
      route.settings.connectTimeoutMs,
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      if (client.destroyed) {
        socket.destroy();
        return;
      }
      connected = true;
      attempts.push({ peer: peer.name, addr: peer.addr, status: 101, ms: 0 });
      socket.write(
        buildRequestHead(req, route, location, ctx, { bodyLength: -1, chunked: false, upgrade: true }),
        'latin1',
      );
      if (head.length > 0) socket.write(head);
      socket.pipe(client);
      client.pipe(socket);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      if (connected) {
        client.destroy();
        return;
      }
      failed = true;
      const timedOut = error.message === 'connect timeout';
      upstream.free(state, peer, 'failed', Date.now());
      attempts.push({
        peer: peer.name,
        addr: peer.addr,
        status: timedOut ? 504 : 502,
        ms: Date.now() - attemptStart,
      });
      const ft = timedOut ? FT.timeout : FT.error;
      if (state.tries === 0 || (route.mask & ft) !== ft || client.destroyed) refuse(timedOut ? 504 : 502);
      else attempt();
    });
    socket.on('close', () => {
      if (!connected) {
        // The client went away while connecting: the peer is freed (not blamed), recorded as 499.
        clearTimeout(timer);
        if (failed) return;
        upstream.free(state, peer, 'ok', Date.now());
        attempts.push({ peer: peer.name, addr: peer.addr, status: 499, ms: Date.now() - attemptStart });
        finish(499);
        return;
      }
      const last = attempts.at(-1);
      if (last) last.ms = Date.now() - attemptStart;
      upstream.free(state, peer, 'ok', Date.now());
      client.destroy();
      finish(101);
    });
    client.on('close', () => socket.destroy());
  };
  attempt();
}
