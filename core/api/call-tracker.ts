import type { ApiErrorShape, ApiEvents, EventName } from './contract';
import type { CallMessage, ServerMessage } from './wire';

type Listener = (payload: never) => void;

/**
 * The client end of the API's messages, whatever carries them (the dashboard's WebSocket, a
 * control socket): numbers calls, settles each with its reply, hands events to their listeners.
 * A listener that throws is reported and the others still run.
 */
export class CallTracker {
  #nextId = 1;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #listeners = new Map<EventName, Set<Listener>>();

  constructor(
    /** The error a refused call rejects with. */
    private readonly toError: (shape: ApiErrorShape) => Error,
    private readonly onListenerError: (event: EventName, error: unknown) => void = () => undefined,
  ) {}

  /** A call message to send; its promise settles when `receive` gets the reply. */
  call(command: string, input: unknown): { message: CallMessage; reply: Promise<unknown> } {
    const id = this.#nextId++;
    const reply = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    return { message: { id, command, input }, reply };
  }

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => void set.delete(listener as Listener);
  }

  /** One message as text from the other end; anything unreadable is dropped. */
  receive(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    if ('event' in message) {
      for (const listener of this.#listeners.get(message.event) ?? []) {
        try {
          listener(message.payload as never);
        } catch (error) {
          this.onListenerError(message.event, error);
        }
      }
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if ('error' in message) pending.reject(this.toError(message.error));
    else pending.resolve(message.result);
  }

  /** Rejects every call still waiting (the connection closed). */
  failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
