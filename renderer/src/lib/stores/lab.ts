import { createStore } from 'zustand/vanilla';
import type { LabView } from '../../../../core/api/contract';

export interface LabState {
  /** The core's latest view (the `lab` event); null until the first arrives. */
  view: LabView | null;
  set(view: LabView): void;
}

export function createLabStore() {
  return createStore<LabState>()((set) => ({
    view: null,
    set: (view) => set({ view }),
  }));
}

export type LabStore = ReturnType<typeof createLabStore>;
