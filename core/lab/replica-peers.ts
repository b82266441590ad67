import type { FailureDetection } from '../api/contract';
import type { Balancer } from '../balancer';
import type { ServerConfig } from '../balancer/config';
import { resolveWithDns, type ServerResolver } from '../balancer/resolve';
import type { Runtime } from './runtime';

/** `backend2:8000` → `backend2`: the server lines of a lab's nginx.conf that name its replicas. */
export function replicaName(address: string): string | undefined {
  return /^(backend\d+)(?::\d+)?$/i.exec(address)?.[1]?.toLowerCase();
}

/**
 * Keeps the balancer's peers in step with the lab's replicas: a replica joins when its readiness
 * probe passes (at its current host port) and is drained, then removed, when the lab scales down.
 * When the engine reports one dead, paused or disconnected, it leaves rotation at once only with
 * engine-aware detection; as nginx, the balancer learns it from its own failed attempts.
 */
export class ReplicaPeers {
  /** Replicas that answered their readiness probe and have not gone down since: where they listen. */
  private readonly live = new Map<string, { host: string; port: number }>();
  /** Replicas the engine reported down since they were last ready. */
  private readonly down = new Set<string>();
  private detection: FailureDetection = 'nginx';

  constructor(
    private readonly balancer: Balancer,
    private upstream: string,
    /** The server line replicas beyond the config's lines copy (scaling up)... */
    private template: ServerConfig,
    /** ...with the lab's parameters for their name (its defaults, not the template's tuned weight). */
    private readonly paramsOf: (name: string) => Partial<ServerConfig> = () => ({}),
  ) {}

  /**
   * After a reload: the replicas' upstream may have another name or fewer server lines; every
   * replica that is up stays a peer (carryOver kept the address of those the config names).
   */
  retarget(upstream: string, template: ServerConfig): void {
    this.upstream = upstream;
    this.template = template;
    for (const [name, { host, port }] of this.live) if (!this.has(name)) this.ready(name, host, port);
  }

  /** Switched on a running lab: replicas down now follow the new rule at once. */
  setDetection(detection: FailureDetection): void {
    this.detection = detection;
    for (const name of this.down) this.setHealthy(name, detection === 'nginx');
  }

  /** Server lines naming replicas become peers out of rotation until their replica is ready. */
  static resolver(fallback: ServerResolver = resolveWithDns): ServerResolver {
    return async (server) => {
      const name = replicaName(server.address);
      if (!name) return fallback(server);
      return { addresses: [{ host: '127.0.0.1', port: 0 }], name, healthy: false };
    };
  }

  bind(runtime: Runtime): () => void {
    const { events } = runtime;
    // Until a first replica is ready, a request finds the replicas starting, not failed.
    this.balancer.setUpstreamStarting(this.upstream, true);
    const offs = [
      events.on('replica:ready', ({ name, host, port }) => this.ready(name, host, port)),
      events.on('replica:down', ({ name }) => {
        this.live.delete(name);
        this.down.add(name);
        if (this.detection === 'engine') this.setHealthy(name, false);
      }),
      events.on('replica:removing', ({ name }) =>
        this.whenPresent(name, () => this.balancer.setPeerAdmin(this.upstream, name, 'drain')),
      ),
      events.on('replica:removed', ({ name }) => {
        this.live.delete(name);
        this.down.delete(name);
        this.whenPresent(name, () => this.balancer.removePeer(this.upstream, name));
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  private has(name: string): boolean {
    return this.balancer.upstream(this.upstream).findPeer(name) !== undefined;
  }

  private whenPresent(name: string, action: () => void): void {
    if (this.has(name)) action();
  }

  private ready(name: string, host: string, port: number): void {
    this.live.set(name, { host, port });
    this.down.delete(name);
    this.balancer.setUpstreamStarting(this.upstream, false);
    if (!this.has(name)) {
      this.balancer.addPeer(
        this.upstream,
        { ...this.template, ...this.paramsOf(name), address: `${name}:8000` },
        { host, port },
        name,
      );
      return;
    }
    // A new address, not a verdict: as nginx, a failed peer stays failed until fail_timeout passes.
    this.balancer.setPeerAddress(this.upstream, name, { host, port });
    this.balancer.setPeerAdmin(this.upstream, name, 'up');
    this.balancer.setPeerHealthy(this.upstream, name, true);
  }

  private setHealthy(name: string, healthy: boolean): void {
    this.whenPresent(name, () => this.balancer.setPeerHealthy(this.upstream, name, healthy));
  }
}
