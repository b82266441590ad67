import type { BalanceMethod, ServerConfig, UpstreamConfig } from '../../core/balancer/config';
import { SERVER_DEFAULTS } from '../../core/balancer/config';
import type { Peer } from '../../core/balancer/peer';
import { Upstream } from '../../core/balancer/upstream';

export type ServerSpec = Partial<Omit<ServerConfig, 'address'>> & { address?: string };

/** An upstream of peers A, B, C... on 127.0.0.1:19001.. with the given parameters. */
export function makeUpstream(specs: ServerSpec[], method: BalanceMethod = { kind: 'round_robin' }): Upstream {
  const servers = specs.map((spec, i) => ({
    ...SERVER_DEFAULTS,
    address: `127.0.0.1:${19001 + i}`,
    ...spec,
  }));
  const config: UpstreamConfig = { name: 'backend', method, servers, keepalive: 0, implicit: false };
  return new Upstream(
    config,
    servers.map((server, i) => ({
      config: server,
      addresses: [{ host: '127.0.0.1', port: 19001 + i }],
      name: String.fromCharCode(65 + i),
    })),
  );
}

export type Outcome = 'ok' | 'failed' | 'next';

/**
 * Runs one request through the upstream the way the proxy does: pick, apply the outcome the
 * `outcomes` function gives for that peer, retry while tries remain. Returns the peers attempted,
 * with `backend` standing for "no live upstreams".
 */
export function request(
  upstream: Upstream,
  nowMs: number,
  outcomes: (peer: Peer) => Outcome = () => 'ok',
  setup?: (state: ReturnType<Upstream['begin']>) => void,
): string[] {
  const state = upstream.begin(0);
  setup?.(state);
  const tried: string[] = [];
  for (;;) {
    const peer = upstream.get(state, nowMs);
    if (peer === null) {
      tried.push('backend');
      return tried;
    }
    tried.push(peer.name);
    const outcome = outcomes(peer);
    upstream.free(state, peer, outcome, nowMs);
    if (outcome === 'ok' || state.tries === 0) return tried;
  }
}

/** Names of the peers that served `n` sequential healthy requests. */
export function sequence(upstream: Upstream, n: number, nowMs = 1_000_000): string {
  return Array.from({ length: n }, () => request(upstream, nowMs).join('')).join(' ');
}
