import type Docker from 'dockerode';
import type { ContainerFacts, ContainerSeries } from '../api/contract';
import type { EventSource } from '../events/emitter';
import type { ReplicaContainers, RuntimeEvents } from '../lab/runtime';
import { ContainerStatsStream, type StatsSample } from './container-stats';

/** A minute of samples (the engine sends one a second). */
export const STATS_RING = 60;

interface Watched {
  id: string;
  stream: ContainerStatsStream | null;
  facts: ContainerFacts | null;
  samples: StatsSample[];
}

/**
 * Each replica's container as the engine reports it: its image and short IDs, and one stats
 * stream while it runs — opened when the replica is ready, closed when its container exits or
 * goes, and all of them by `close()` (the lab stops or stops following the engine).
 */
export class ReplicaStats implements ReplicaContainers {
  readonly #replicas = new Map<string, Watched>();
  readonly #offs: Array<() => void>;

  constructor(
    private readonly docker: Docker,
    events: EventSource<RuntimeEvents>,
    private readonly warn: (message: string) => void,
  ) {
    this.#offs = [
      events.on('replica:ready', ({ name, id }) => this.#watch(name, id)),
      events.on('replica:down', ({ name, id, reason }) => {
        if (reason === 'exited' || reason === 'removed') this.#stopStream(name, id);
      }),
      events.on('replica:removed', ({ name, id }) => {
        if (this.#replicas.get(name)?.id !== id) return;
        this.#stopStream(name, id);
        this.#replicas.delete(name);
      }),
    ];
  }

  facts(name: string): ContainerFacts | null {
    return this.#replicas.get(name)?.facts ?? null;
  }

  series(): Record<string, ContainerSeries> {
    const series: Record<string, ContainerSeries> = {};
    for (const [name, { samples }] of this.#replicas) {
      series[name] = {
        cpu: samples.map((s) => Math.round(s.cpu * 100) / 100),
        memory: samples.map((s) => s.memory),
        memoryLimit: samples.at(-1)?.memoryLimit ?? null,
      };
    }
    return series;
  }

  /** Streams open now (the tests' leak check). */
  get openStreams(): number {
    let open = 0;
    for (const { stream } of this.#replicas.values()) if (stream?.open) open++;
    return open;
  }

  /** Closes every stream; the replicas' facts stay until they are removed. */
  stopAll(): void {
    for (const watched of this.#replicas.values()) {
      watched.stream?.close();
      watched.stream = null;
    }
  }

  /** Stops listening as well: the lab is done with. */
  close(): void {
    this.stopAll();
    for (const off of this.#offs.splice(0)) off();
  }

  #watch(name: string, id: string): void {
    let watched = this.#replicas.get(name);
    if (watched?.id !== id) {
      // A new container under the name (a rollout, a re-created replica): its own figures.
      watched?.stream?.close();
      watched = { id, stream: null, facts: null, samples: [] };
      this.#replicas.set(name, watched);
      void this.#inspect(watched);
    }
    if (watched.stream?.open) return;
    const target = watched;
    target.stream = new ContainerStatsStream(
      this.docker,
      id,
      (sample) => {
        target.samples.push(sample);
        if (target.samples.length > STATS_RING) target.samples.shift();
      },
      (error) => this.warn(`${name}: the engine's stats stream failed: ${error.message}`),
    );
  }

  #stopStream(name: string, id: string): void {
    const watched = this.#replicas.get(name);
    if (watched?.id !== id) return;
    watched.stream?.close();
    watched.stream = null;
  }

  async #inspect(watched: Watched): Promise<void> {
    try {
      const info = await this.docker.getContainer(watched.id).inspect();
      watched.facts = {
        id: info.Id.slice(0, 12),
        image: await this.#imageName(info.Config.Image, info.Image),
        imageId: info.Image.replace(/^sha256:/, '').slice(0, 12),
      };
    } catch {
      // Gone already: it shows no container facts until the next one is ready.
    }
  }

  /** The lab creates replicas from the image's ID: its tag is the image's own (none once a rebuild took it). */
  async #imageName(asCreated: string, id: string): Promise<string> {
    if (!asCreated.startsWith('sha256:')) return asCreated;
    const tags = (await this.docker.getImage(id).inspect()).RepoTags ?? [];
    return tags[0] ?? 'untagged';
  }
}
