import type { ClientEvents } from './contract';
import { Emitter, type EventSource } from '../events/emitter';

/** Past this many bytes unread by the connection, a stream to it waits (a terminal stops reading its shell). */
const BEHIND_BYTES = 1024 * 1024;

/**
 * One connection that sends commands: a dashboard page's WebSocket, an Electron window, a control
 * socket. What it opens for itself (a terminal) reports to it alone, through `events`, and is
 * closed when it goes.
 */
export class Caller {
  readonly #events = new Emitter<ClientEvents>();
  readonly #onGone = new Set<() => void>();
  #gone = false;

  constructor(
    /** For messages: `dashboard client 3`, `window 1`. */
    readonly label: string,
    /** Bytes sent to it that it has not read yet, when the transport knows (0 otherwise). */
    private readonly unread: () => number = () => 0,
  ) {}

  /** What the transport forwards to this connection. */
  get events(): EventSource<ClientEvents> {
    return this.#events;
  }

  get gone(): boolean {
    return this.#gone;
  }

  /** True while it has so much unread that a stream to it should wait. */
  get behind(): boolean {
    return this.unread() > BEHIND_BYTES;
  }

  send<E extends keyof ClientEvents>(event: E, payload: ClientEvents[E]): void {
    if (!this.#gone) this.#events.emit(event, payload);
  }

  /** Runs `cleanup` when the connection goes (at once if it has); returns the function that cancels it. */
  whenGone(cleanup: () => void): () => void {
    if (this.#gone) {
      cleanup();
      return () => undefined;
    }
    this.#onGone.add(cleanup);
    return () => void this.#onGone.delete(cleanup);
  }

  /** The transport says the connection closed (or the page reloaded). Once. */
  leave(): void {
    if (this.#gone) return;
    this.#gone = true;
    for (const cleanup of [...this.#onGone]) {
      try {
        cleanup();
      } catch (error) {
        console.error(`closing what ${this.label} had open failed: ${(error as Error).message}`);
      }
    }
    this.#onGone.clear();
  }
}
