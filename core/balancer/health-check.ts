import { request } from 'node:http';
import type { HealthCheckConfig } from './config';
import type { Peer } from './peer';
import type { Upstream } from './upstream';

export interface HealthResult {
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

  stop(): void {
    for (const probe of this.probes.values()) clearInterval(probe.timer);
    this.probes.clear();
  }
}

function probeOnce(peer: Peer, config: HealthCheckConfig): Promise<HealthResult> {
  const [low, high] = config.expectStatus ?? [200, 399];
  return new Promise((resolve) => {
    const req = request(
      { host: peer.host, port: peer.port, path: config.path, agent: false, timeout: config.timeoutMs },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve({ peer, ok: status >= low && status <= high, detail: String(status) });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${config.timeoutMs} ms`)));
    req.on('error', (error) => resolve({ peer, ok: false, detail: error.message }));
    req.end();
  });
}
