import { createStore } from 'zustand/vanilla';
import type { LogLine } from '../../../../core/api/contract';
import { LogRing } from '../logs/ring';

export const LOG_CAPACITY = 100_000;
/** New lines are applied in batches, as Dozzle does: one store update (and one render) per flush. */
export const LOG_FLUSH_MS = 250;

export interface LogsState {
  ring: LogRing;
  /** Bumped on every change of `ring` (the ring itself is mutated in place). */
  version: number;
  /** Lines received since the page opened (or since the core restarted). */
  received: number;
  /** Lines dropped from the front to stay within the capacity. */
  dropped: number;
  /** Highest `seq` seen, to skip lines that arrive twice (backlog after a reconnect). */
  maxSeq: number;
  /** Every source seen: `build`, `access`, `lab`, backendN… */
  sources: string[];
  /** Queues lines; they reach the ring on the next flush. */
  enqueue(lines: readonly LogLine[]): void;
  /** The backlog answered on (re)connect: older lines, some already known. */
  backlog(lines: readonly LogLine[]): void;
  /** Empties the view (the core keeps its own copy; a reload brings the backlog back). */
  clear(): void;
}

const SOURCE_ORDER = ['lab', 'build', 'access'];

function sortSources(sources: Iterable<string>): string[] {
  return [...sources].sort((a, b) => {
    const ia = SOURCE_ORDER.indexOf(a);
    const ib = SOURCE_ORDER.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    const na = /^backend(\d+)$/.exec(a)?.[1];
    const nb = /^backend(\d+)$/.exec(b)?.[1];
    if (na && nb) return Number(na) - Number(nb);
    return a.localeCompare(b);
  });
}

export function createLogStore(capacity = LOG_CAPACITY, flushMs = LOG_FLUSH_MS) {
  let queue: LogLine[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  return createStore<LogsState>()((set, get) => {
    const apply = (lines: readonly LogLine[], reset = false): void => {
      const state = get();
      const ring = state.ring;
      let { maxSeq, received, dropped } = state;
      if (reset) {
        ring.clear();
        maxSeq = -1;
        received = 0;
      }
      let sources: Set<string> | null = null;
      // Lines of one flush come per source (a replica's batch, then the balancer's): merged by
      // time (stable: a source's own order kept), so the merged view has no inversions within it.
      const fresh = lines.filter((line) => line.seq > maxSeq).sort((a, b) => a.time - b.time);
      for (const line of fresh) maxSeq = Math.max(maxSeq, line.seq);
      for (const line of fresh) {
        if (ring.size === ring.capacity) dropped++;
        ring.push(line);
        received++;
        if (!state.sources.includes(line.source)) (sources ??= new Set(state.sources)).add(line.source);
      }
      set({
        version: state.version + 1,
        maxSeq,
        received,
        dropped,
        ...(sources ? { sources: sortSources(sources) } : {}),
      });
    };

    const flush = (): void => {
      timer = null;
      const lines = queue;
      queue = [];
      if (lines.length) apply(lines);
    };

    return {
      ring: new LogRing(capacity),
      version: 0,
      received: 0,
      dropped: 0,
      maxSeq: -1,
      sources: [],
      enqueue(lines) {
        for (const line of lines) queue.push(line);
        timer ??= setTimeout(flush, flushMs);
      },
      backlog(lines) {
        const newest = lines.at(-1)?.seq ?? -1;
        // The core numbers lines from 0 when it starts: a backlog older than what we hold means
        // it restarted, and what we hold belongs to the previous run.
        const restarted = lines.length > 0 && newest < get().maxSeq;
        apply(lines, restarted);
      },
      clear() {
        const state = get();
        state.ring.clear();
        set({ version: state.version + 1 });
      },
    };
  });
}

export type LogStore = ReturnType<typeof createLogStore>;
