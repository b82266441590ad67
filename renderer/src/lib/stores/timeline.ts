import { createStore } from 'zustand/vanilla';
import type { TimelineEvent } from '../../../../core/api/contract';

const TIMELINE_CAPACITY = 1000;

export interface TimelineState {
  events: TimelineEvent[];
  add(event: TimelineEvent): void;
}

export function createTimelineStore(capacity = TIMELINE_CAPACITY) {
  return createStore<TimelineState>()((set, get) => ({
    events: [],
    add(event) {
      const events = [...get().events, event];
      if (events.length > capacity) events.splice(0, events.length - capacity);
      set({ events });
    },
  }));
}

export type TimelineStore = ReturnType<typeof createTimelineStore>;
