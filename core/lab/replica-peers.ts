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
 * probe passes (at its current host port), leaves rotation the moment the engine reports it
 * dead, paused or disconnected, and is drained, then removed, when the lab scales down.
 */
export class ReplicaPeers {
  /** Replicas that answered their readiness probe and have not gone down since: where they listen. */
  private readonly live = new Map<string, { host: string; port: number }>();

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
        this.setHealthy(name, false);
      }),
      events.on('replica:removing', ({ name }) =>
        this.whenPresent(name, () => this.balancer.setPeerAdmin(this.upstream, name, 'drain')),
      ),
      events.on('replica:removed', ({ name }) => {
        this.live.delete(name);
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
    this.balancer.setPeerAddress(this.upstream, name, { host, port });
    this.balancer.setPeerAdmin(this.upstream, name, 'up');
    this.balancer.setPeerHealthy(this.upstream, name, true);
  }

  private setHealthy(name: string, healthy: boolean): void {
    this.whenPresent(name, () => this.balancer.setPeerHealthy(this.upstream, name, healthy));
  }
}
