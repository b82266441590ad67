import { createStore } from 'zustand/vanilla';
import type { ContainerSamples, ContainerSeries } from '../../../../core/api/contract';

export interface ContainersState {
  /** Each backend's last minute of CPU and memory (the `containers` event, once a second). */
  series: Record<string, ContainerSeries>;
  set(samples: ContainerSamples): void;
}

export function createContainersStore() {
  return createStore<ContainersState>()((set) => ({
    series: {},
    set: (samples) => set({ series: samples.backends }),
  }));
}
