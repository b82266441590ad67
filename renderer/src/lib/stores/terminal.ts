import { createStore } from 'zustand/vanilla';

export interface TerminalState {
  /** The backend whose terminal panel is shown; null: none. */
  backend: string | null;
  /** Shows `backend`'s terminal (another backend's, shown before, is closed). */
  open(backend: string): void;
  close(): void;
}

export function createTerminalStore() {
  return createStore<TerminalState>()((set) => ({
    backend: null,
    open: (backend) => set({ backend }),
    close: () => set({ backend: null }),
  }));
}
