import { createStore } from 'zustand/vanilla';
import type { ConnectionStatus } from '../api/client';

export interface ConnectionState {
  /** null for Electron's IPC, which has no connection to lose. */
  status: ConnectionStatus | null;
}

export function createConnectionStore() {
  return createStore<ConnectionState>()(() => ({ status: null }));
}

export type ConnectionStore = ReturnType<typeof createConnectionStore>;
