import type { TimelineEvent } from '../api/contract';
import type { RequestRecord } from '../balancer/record';

type Kind = TimelineEvent['kind'];

interface Episode {
  firstFailure: boolean;
  marked: boolean;
  restored: boolean;
  served: boolean;
}

/**
 * The story of each fault, as a student should see it: killed at t, the first attempt that
 * failed on it, the moment the balancer took it out, restored, and the first request it served
 * again.
 */
export class Timeline {
  private readonly episodes = new Map<string, Episode>();
  readonly events: TimelineEvent[] = [];

  constructor(private readonly emit: (event: TimelineEvent) => void) {}

  private push(backend: string, kind: Kind, detail: string, t = Date.now()): void {
    const event = { t, backend, kind, detail };
    this.events.push(event);
    if (this.events.length > 1000) this.events.shift();
    this.emit(event);
  }

  fault(backend: string, kind: 'killed' | 'stopped' | 'paused' | 'disconnected', detail: string): void {
    this.episodes.set(backend, { firstFailure: false, marked: false, restored: false, served: false });
    this.push(backend, kind, detail);
  }

  /** The balancer took the backend out of rotation (engine event, health check or max_fails). */
  markedFailed(backend: string, detail: string): void {
    const episode = this.episodes.get(backend);
    if (!episode || episode.marked || episode.restored) return;
    episode.marked = true;
    this.push(backend, 'marked-failed', detail);
  }

  /** What the engine reported of a backend (its container dead, paused, disconnected). */
  engineReported(backend: string, detail: string): void {
    this.push(backend, 'engine-reported', detail);
  }

  /** Backends in a fault the balancer has not taken out yet: their passive verdict is awaited. */
  awaitingVerdict(): string[] {
    return [...this.episodes].filter(([, e]) => !e.marked && !e.restored).map(([name]) => name);
  }

  restored(backend: string, detail: string): void {
    const episode = this.episodes.get(backend);
    if (episode) episode.restored = true;
    this.push(backend, 'restored', detail);
  }

  other(
    backend: string,
    kind: 'drained' | 'joined' | 'left' | 'replacing' | 'replaced',
    detail: string,
  ): void {
    this.push(backend, kind, detail);
  }

  /** A balancer-side fault on a backend's connections, or its removal. */
  toxic(backend: string, detail: string): void {
    this.push(backend, 'toxic', detail);
  }

  /** A canary started or ended (`backend` is `lab`). */
  canary(detail: string): void {
    this.push('lab', 'canary', detail);
  }

  /** The lab's balancer took a new config (`backend` is `lab`: it concerns them all). */
  reconfigured(detail: string): void {
    this.push('lab', 'reconfigured', detail);
  }

  records(records: readonly RequestRecord[]): void {
    if (this.episodes.size === 0) return;
    for (const record of records) {
      for (const attempt of record.attempts) {
        const episode = this.episodes.get(attempt.peer);
        if (!episode) continue;
        if (attempt.peer === record.servedBy) {
          if (episode.restored && !episode.served) {
            episode.served = true;
            this.push(
              attempt.peer,
              'first-served',
              `${record.method} ${record.uri} → ${record.status}`,
              record.time,
            );
            this.episodes.delete(attempt.peer);
          }
        } else if (!episode.firstFailure && !episode.restored) {
          episode.firstFailure = true;
          this.push(
            attempt.peer,
            'first-failed-attempt',
            `${record.method} ${record.uri}: upstream status ${attempt.status}`,
            record.time,
          );
        }
      }
    }
  }
}
