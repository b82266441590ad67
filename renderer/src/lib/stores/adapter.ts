import type { Readable } from 'svelte/store';
import type { StoreApi } from 'zustand/vanilla';

/**
 * A zustand store as a Svelte store of one slice. zustand's `subscribe` does not call the listener
 * with the current value; Svelte's store contract does, so the current slice is emitted first.
 * Later states reach Svelte only when the slice changed (`equal`, Object.is by default).
 */
export function toSvelte<S, T>(
  store: StoreApi<S>,
  selector: (state: S) => T,
  equal: (a: T, b: T) => boolean = Object.is,
): Readable<T> {
  return {
    subscribe(run) {
      let current = selector(store.getState());
      run(current);
      return store.subscribe((state) => {
        const next = selector(state);
        if (equal(current, next)) return;
        current = next;
        run(next);
      });
    },
  };
}
