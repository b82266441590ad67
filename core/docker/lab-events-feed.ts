import type Docker from 'dockerode';
import type { Emitter } from '../events/emitter';
import { EventFollower } from './events';
import type { LabEvents } from './lab-events';
import type { ReplicaSet } from './replica-set';

/**
 * The engine's event stream for one lab, followed at most once at a time: each container event
 * is reported as it happened and handed to the replica set, which turns it into replica states.
 */
export class LabEventsFeed {
  #follower: EventFollower | undefined;

  constructor(
    private readonly o: {
      docker: Docker;
      lab: string;
      network: string;
      replicas: ReplicaSet;
      events: Emitter<LabEvents>;
      warn: (message: string) => void;
    },
  ) {}

  /** Starts following unless it already does; resolves once the stream is open. */
  async start(): Promise<void> {
    if (this.#follower) return;
    const { replicas, events } = this.o;
    const follower = new EventFollower(this.o.docker, {
      lab: this.o.lab,
      network: this.o.network,
      onEvent: (raw) => {
        const event = replicas.describe(raw);
        if (!event) return;
        events.emit('container', event);
        replicas.apply(event);
      },
      onEnd: (error) => {
        if (this.#follower === follower) this.#follower = undefined;
        if (error)
          this.o.warn(
            `lost the engine's event stream (${error.message}); call adopt() once the engine is back`,
          );
      },
    });
    this.#follower = follower;
    try {
      await follower.start();
    } catch (error) {
      this.#follower = undefined;
      throw error;
    }
  }

  stop(): void {
    this.#follower?.stop();
    this.#follower = undefined;
  }
}
