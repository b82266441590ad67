import { createStore } from 'zustand/vanilla';
import type { ProjectInspection } from '../../../../core/api/contract';

export interface PreviewState {
  /** The project as read before starting (`project.inspect`); null until asked. */
  inspection: ProjectInspection | null;
  set(inspection: ProjectInspection | null): void;
}

export function createPreviewStore() {
  return createStore<PreviewState>()((set) => ({
    inspection: null,
    set: (inspection) => set({ inspection }),
  }));
}
