import { createStore } from 'zustand/vanilla';
import type { TimelineEvent } from '../../../../core/api/contract';

const TIMELINE_CAPACITY = 1000;

export interface TimelineState {
  events: TimelineEvent[];
  add(event: TimelineEvent): void;
  /** The app's history (a page opened later): merged with what arrived meanwhile, in time order. */
  backfill(history: readonly TimelineEvent[]): void;
}

const key = (e: TimelineEvent): string => `${e.t}|${e.backend}|${e.kind}|${e.detail}`;

export function createTimelineStore(capacity = TIMELINE_CAPACITY) {
  return createStore<TimelineState>()((set, get) => ({
    events: [],
    add(event) {
      const events = [...get().events, event];
      if (events.length > capacity) events.splice(0, events.length - capacity);
      set({ events });
    },
    backfill(history) {
      const seen = new Set(history.map(key));
      const events = [...history, ...get().events.filter((e) => !seen.has(key(e)))].sort((a, b) => a.t - b.t);
      if (events.length > capacity) events.splice(0, events.length - capacity);
      set({ events });
    },
  }));
}

export type TimelineStore = ReturnType<typeof createTimelineStore>;
