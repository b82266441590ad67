import { request } from 'node:http';
import type { HealthCheckConfig } from './config';
import type { Peer } from './peer';
import type { Upstream } from './upstream';

/**
 * HAProxy's check status words: L7OK (the expected status), L7STS (another one), L4CON (the
 * connection failed), L4TOUT / L7TOUT (timed out before / after connecting), L7RSP (the
 * connection broke before a response head).
 */
export type CheckKind = 'L7OK' | 'L7STS' | 'L4CON' | 'L4TOUT' | 'L7TOUT' | 'L7RSP';

/** One probe's outcome, as HAProxy's stats page says it: `L7OK 200 in 2 ms`. */
export interface CheckOutcome {
  kind: CheckKind;
  /** The response's status, when one came. */
  status?: number;
  /** `refused`, `reset`...: why the connection failed, when it did. */
  reason?: string;
  ms: number;
  /** When the probe ended (epoch ms). */
  at: number;
}

export interface HealthResult extends CheckOutcome {
  peer: Peer;
  ok: boolean;
  /** Status code, or the error's message. */
  detail: string;
}

interface PeerProbe {
  timer: NodeJS.Timeout;
  passes: number;
  failures: number;
  running: boolean;
  last: CheckOutcome | null;
}

/**
 * Active health checks (beyond nginx OSS): GET `path` on every peer each `interval`; `fall`
 * consecutive failures take a peer out, `rise` consecutive passes bring it back at once.
 */
export class HealthChecker {
  private readonly probes = new Map<Peer, PeerProbe>();

  constructor(
    private readonly upstream: Upstream,
    private readonly config: HealthCheckConfig,
    private readonly onChange: (peer: Peer, healthy: boolean, result: HealthResult) => void,
  ) {}

  /** Starts checking peers not yet checked and stops checking removed ones. */
  sync(): void {
    const peers = new Set(this.upstream.peers);
    for (const peer of peers) if (!this.probes.has(peer)) this.watch(peer);
    for (const [peer, probe] of this.probes) {
      if (!peers.has(peer)) {
        clearInterval(probe.timer);
        this.probes.delete(peer);
      }
    }
  }

  private watch(peer: Peer): void {
    const probe: PeerProbe = {
      timer: setInterval(() => this.check(peer, probe), this.config.intervalMs),
      passes: 0,
      failures: 0,
      running: false,
      last: null,
    };
    probe.timer.unref();
    this.probes.set(peer, probe);
    this.check(peer, probe);
  }

  private check(peer: Peer, probe: PeerProbe): void {
    if (probe.running) return;
    probe.running = true;
    void probeOnce(peer, this.config).then((result) => {
      probe.running = false;
      if (!this.probes.has(peer)) return;
      const { kind, status, reason, ms, at } = result;
      probe.last = {
        kind,
        ms,
        at,
        ...(status === undefined ? {} : { status }),
        ...(reason ? { reason } : {}),
      };
      if (result.ok) {
        probe.passes++;
        probe.failures = 0;
        if (!peer.healthy && probe.passes >= this.config.rise) this.change(peer, true, result);
      } else {
        probe.failures++;
        probe.passes = 0;
        if (peer.healthy && probe.failures >= this.config.fall) this.change(peer, false, result);
      }
    });
  }

  private change(peer: Peer, healthy: boolean, result: HealthResult): void {
    this.upstream.setHealthy(peer, healthy);
    this.onChange(peer, healthy, result);
  }

  /** The last probe of `peer` that ended; null before the first (or for a peer not checked). */
  last(peer: Peer): CheckOutcome | null {
    return this.probes.get(peer)?.last ?? null;
  }

  stop(): void {
    for (const probe of this.probes.values()) clearInterval(probe.timer);
    this.probes.clear();
  }
}

function probeOnce(peer: Peer, config: HealthCheckConfig): Promise<HealthResult> {
  const [low, high] = config.expectStatus ?? [200, 399];
  const started = Date.now();
  let connected = false;
  const ended = (): { ms: number; at: number } => {
    const at = Date.now();
    return { ms: at - started, at };
  };
  return new Promise((resolve) => {
    const req = request(
      { host: peer.host, port: peer.port, path: config.path, agent: false, timeout: config.timeoutMs },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        const ok = status >= low && status <= high;
        resolve({ peer, ok, detail: String(status), kind: ok ? 'L7OK' : 'L7STS', status, ...ended() });
      },
    );
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('timeout', () => {
      const kind = connected ? 'L7TOUT' : 'L4TOUT';
      resolve({ peer, ok: false, detail: `timed out after ${config.timeoutMs} ms`, kind, ...ended() });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const reason = REASONS[error.code ?? ''] ?? error.code?.toLowerCase() ?? 'error';
      const kind = connected ? 'L7RSP' : 'L4CON';
      resolve({ peer, ok: false, detail: error.message, kind, reason, ...ended() });
    });
    req.end();
  });
}

/** Socket error codes in the words HAProxy's check status uses. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ECONNABORTED: 'aborted',
};
