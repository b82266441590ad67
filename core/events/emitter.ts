import { callListener, printListenerErrorOnce, type ListenerErrorHandler } from './listener-error';

/**
 * A small typed event emitter. Unlike Node's EventEmitter, an event named `error` is not special
 * (no crash when nobody listens), and a throwing listener does not stop the others: its error goes
 * to `onListenerError` and is never rethrown (rethrown, it would end the process).
 */
export type Listener<T> = (payload: T) => void;

export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  /** Where a listener's error is reported (the App turns it into a notice and a log line). */
  onListenerError: ListenerErrorHandler = printListenerErrorOnce;

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set])
      callListener(listener as Listener<Events[K]>, payload, String(event), this.onListenerError);
  }

  /** Resolves with the first payload of `event` that matches, or rejects after `timeoutMs`. */
  waitFor<K extends keyof Events>(
    event: K,
    match: (payload: Events[K]) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(event)}`));
      }, timeoutMs);
      const off = this.on(event, (payload) => {
        if (!match(payload)) return;
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }
}

/** The listening side of an emitter: what a subscriber may use. */
export type EventSource<Events extends object> = Pick<Emitter<Events>, 'on' | 'once' | 'off' | 'waitFor'>;
