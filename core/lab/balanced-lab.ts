import { Balancer, type ListenAddress } from '../balancer';
import type { ProxyConfig, ServerConfig } from '../balancer/config';
import { ReplicaPeers, replicaName } from './replica-peers';
import { formatAddr } from '../balancer/peer';
import { join } from 'node:path';
import { waitReady } from './readiness';
import type { WatchCopy } from '../project/project-watch';
import type { LabStatus, RolloutOptions, Runtime } from './runtime';
import type { FailureDetection } from '../api/contract';

export type RolloutWaves = Pick<RolloutOptions, 'maxSurge' | 'maxUnavailable'>;

/** The longest a replaced replica's requests may take to finish (nginx's proxy_read_timeout). */
const DRAIN_LIMIT_MS = 60_000;
/** How long a synced replica has to print that it reloaded, and then to answer. */
const RELOAD_LINE_MS = 3000;
const RELOAD_LIMIT_MS = 15_000;
/** The new process is about to listen: runserver's banner, or a gunicorn worker booting. */
const RELOADED = /Starting development server|Booting worker/;

async function until(done: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

export interface BalancedLabOptions {
  runtime: Runtime;
  /** The lab's nginx config: servers named backendN are the replicas. */
  config: ProxyConfig;
  /** The server parameters of a replica the config has no line for (a scale up): the lab's defaults. */
  newReplica?: (name: string) => Partial<ServerConfig>;
}

/** A lab's replicas behind our balancer: the runtime's events drive the balancer's peers. */
export class BalancedLab {
  readonly balancer: Balancer;
  readonly runtime: Runtime;
  /** The upstream whose servers are the replicas. */
  upstream: string;
  private readonly peers: ReplicaPeers;
  private unbind: (() => void) | null = null;

  constructor({ runtime, config, newReplica }: BalancedLabOptions) {
    this.runtime = runtime;
    const { upstream, template } = replicaUpstream(config);
    this.upstream = upstream;
    this.balancer = new Balancer(config, { resolve: ReplicaPeers.resolver() });
    this.peers = new ReplicaPeers(this.balancer, upstream, template, newReplica);
  }

  /** As nginx (its own attempts) or engine-aware (the engine's events too). */
  setFailureDetection(detection: FailureDetection): void {
    this.peers.setDetection(detection);
  }

  /** nginx -s reload with the replicas kept in rotation: nothing is recreated. */
  async reload(config: ProxyConfig): Promise<ListenAddress[]> {
    const { upstream, template } = replicaUpstream(config);
    const addresses = await this.balancer.reload(config);
    this.upstream = upstream;
    this.peers.retarget(upstream, template);
    return addresses;
  }

  /** Claims the listen address(es) first, so a taken port fails before any build. */
  async listen(): Promise<ListenAddress[]> {
    const addresses = await this.balancer.listen();
    this.unbind = this.peers.bind(this.runtime);
    return addresses;
  }

  /**
   * The rolling update to the image built last; a replaced replica's old address is drained:
   * once the new one took its name, the old one is removed when no connection is left on it.
   */
  rollout(waves: RolloutWaves = {}): Promise<LabStatus> {
    return this.runtime.rollout(this.rolloutOptions(waves));
  }

  /** Ends the runtime's canary; replicas it replaces or removes are drained as in a rollout. */
  endCanary(outcome: 'promote' | 'rollback', waves: RolloutWaves = {}): Promise<LabStatus> {
    return this.runtime.endCanary(outcome, this.rolloutOptions(waves));
  }

  private rolloutOptions(waves: RolloutWaves): RolloutOptions {
    return {
      ...waves,
      drain: (old) => this.drained(old),
      takeOut: async (old) => {
        if (this.balancer.upstream(this.upstream).findPeer(old.name))
          this.balancer.setPeerAdmin(this.upstream, old.name, 'drain');
        await this.drained(old);
      },
    };
  }

  private async drained({ name, host, port }: { name: string; host: string; port: number }): Promise<void> {
    const addr = formatAddr({ host, port });
    const deadline = Date.now() + DRAIN_LIMIT_MS;
    const left = (): number =>
      this.balancer.upstream(this.upstream).findPeer(name)
        ? this.balancer.connectionsTo(this.upstream, name, addr)
        : 0;
    while (left() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /**
   * Compose Watch's `sync`, one replica at a time so the others serve: it is drained (no new
   * requests; those on it finish), the files are copied in, its server is given time to reload
   * (Django's runserver restarts itself on a changed file) and to answer again, then it is back.
   */
  async sync(dir: string, copies: WatchCopy[], restart = false): Promise<string[]> {
    const upstream = this.balancer.upstream(this.upstream);
    const synced: string[] = [];
    for (const peer of upstream.peers.filter((p) => !p.offline)) {
      const name = peer.name;
      this.balancer.setPeerAdmin(this.upstream, name, 'drain');
      try {
        await until(() => peer.conns === 0, DRAIN_LIMIT_MS);
        if (restart) {
          // sync+restart: the files in, then the container restarted; ready on its (new) port.
          for (const copy of copies)
            await this.runtime.copyInto(name, join(dir, copy.from), copy.files, copy.to);
          const ready = this.readyAgain(name);
          await this.runtime.restart(name);
          await ready;
        } else {
          const reloaded = this.reloadSeen(name);
          for (const copy of copies)
            await this.runtime.copyInto(name, join(dir, copy.from), copy.files, copy.to);
          await reloaded;
          // Throws, with the last answer, when it does not answer again in time.
          await waitReady({ host: peer.host, port: peer.port, timeoutMs: RELOAD_LIMIT_MS });
        }
        synced.push(name);
      } finally {
        if (this.balancer.upstream(this.upstream).findPeer(name))
          this.balancer.setPeerAdmin(this.upstream, name, 'up');
      }
    }
    return synced;
  }

  /** Resolves when the runtime reports `name` ready again (after a restart). */
  private readyAgain(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${name} did not answer again within ${RELOAD_LIMIT_MS / 1000} s of its restart`));
      }, RELOAD_LIMIT_MS);
      const off = this.runtime.events.on('replica:ready', (ready) => {
        if (ready.name !== name) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  /** Resolves when the replica prints that it reloaded (runserver), or after a short wait. */
  private reloadSeen(name: string): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, RELOAD_LINE_MS);
      const off = this.runtime.events.on('log', ({ source, line }) => {
        if (source === name && RELOADED.test(line)) done();
      });
      function done(): void {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /** Stops the balancer and removes every container of the lab. */
  async down(): Promise<void> {
    this.unbind?.();
    this.unbind = null;
    await this.balancer.close();
    await this.runtime.down();
    this.runtime.close();
  }
}

/** The upstream whose server lines name replicas (else the first), and the line new replicas copy. */
function replicaUpstream(config: ProxyConfig): { upstream: string; template: ServerConfig } {
  const upstream =
    config.upstreams.find((u) => u.servers.some((s) => replicaName(s.address))) ?? config.upstreams[0];
  if (!upstream) throw new Error('the lab config has no upstream block');
  const template = upstream.servers.find((s) => replicaName(s.address)) ?? upstream.servers[0];
  if (!template) throw new Error(`upstream "${upstream.name}" has no server`);
  return { upstream: upstream.name, template };
}
