import type { LogRing } from './ring';

export interface LogQuery {
  /** Sources shown; null shows every source (the merged view). */
  sources: ReadonlySet<string> | null;
  search: string;
  regex: boolean;
  caseSensitive: boolean;
  /** Hide the lines that do not match (a live filter) instead of only highlighting matches. */
  onlyMatches: boolean;
}

export const EMPTY_QUERY: LogQuery = {
  sources: null,
  search: '',
  regex: false,
  caseSensitive: false,
  onlyMatches: false,
};

export interface CompiledSearch {
  /** Tests a line (not global: no lastIndex state). */
  test: RegExp | null;
  /** Finds every match in a line, for highlighting. */
  all: RegExp | null;
  error: string | null;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileSearch(query: Pick<LogQuery, 'search' | 'regex' | 'caseSensitive'>): CompiledSearch {
  if (!query.search) return { test: null, all: null, error: null };
  const source = query.regex ? query.search : escape(query.search);
  const flags = query.caseSensitive ? '' : 'i';
  try {
    return { test: new RegExp(source, flags), all: new RegExp(source, `${flags}g`), error: null };
  } catch (error) {
    return { test: null, all: null, error: (error as Error).message };
  }
}

export interface Segment {
  text: string;
  match: boolean;
}

/** Splits a line into plain and matching pieces (matches are highlighted, never hidden). */
export function segments(text: string, all: RegExp | null): Segment[] {
  if (!all) return [{ text, match: false }];
  const out: Segment[] = [];
  let at = 0;
  all.lastIndex = 0;
  for (let m = all.exec(text); m; m = all.exec(text)) {
    if (m[0] === '') {
      // An empty match (e.g. /x*/) would loop forever and highlights nothing.
      all.lastIndex++;
      continue;
    }
    if (m.index > at) out.push({ text: text.slice(at, m.index), match: false });
    out.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), match: false });
  return out;
}

/** First position in a sorted array whose value is >= `value`. */
export function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What a log pane shows of the ring: the indices of the lines that pass the source filter (and
 * the search, in filter mode) and the indices of those that match the search. Kept up to date
 * incrementally: each flush scans only the new lines and trims what fell off the ring's front,
 * so 100,000 lines cost one pass when the query changes and almost nothing per batch after.
 */
export class LogIndex {
  /** Absolute ring indices of the lines shown, ascending. */
  readonly rows: number[] = [];
  /** Absolute ring indices of the shown lines that match the search, ascending. */
  readonly matches: number[] = [];
  /** Rows removed from the front so far (to keep a scrolled-up view still). */
  trimmed = 0;
  /** Rows appended so far (to count what arrived while the user was scrolled up). */
  appended = 0;
  /** Bumped when the rows were rebuilt from scratch (a new query). */
  generation = 0;
  search: CompiledSearch = { test: null, all: null, error: null };
  private query: LogQuery = EMPTY_QUERY;
  private scanned = 0;

  constructor(private readonly ring: LogRing) {}

  setQuery(query: LogQuery): void {
    this.query = query;
    this.search = compileSearch(query);
    this.rows.length = 0;
    this.matches.length = 0;
    this.scanned = this.ring.first;
    this.generation++;
    this.update();
  }

  /** Catches up with the ring; true when rows or matches changed. */
  update(): boolean {
    const { ring, rows, matches } = this;
    let changed = false;
    const first = ring.first;
    if (rows.length && rows[0]! < first) {
      const gone = lowerBound(rows, first);
      rows.splice(0, gone);
      this.trimmed += gone;
      changed = true;
    }
    if (matches.length && matches[0]! < first) matches.splice(0, lowerBound(matches, first));
    const { sources, onlyMatches } = this.query;
    const test = this.search.test;
    const hide = onlyMatches && test !== null;
    for (let i = Math.max(this.scanned, first); i < ring.end; i++) {
      const line = ring.get(i);
      if (sources && !sources.has(line.source)) continue;
      const match = test !== null && test.test(line.text);
      if (hide && !match) continue;
      rows.push(i);
      this.appended++;
      if (match) matches.push(i);
      changed = true;
    }
    this.scanned = ring.end;
    return changed;
  }

  /** Position in `rows` of an absolute index (or of the next row after it). */
  positionOf(index: number): number {
    return lowerBound(this.rows, index);
  }

  /** The match after (or before) `current`, wrapping around; null when nothing matches. */
  step(current: number | null, direction: 1 | -1): number | null {
    const { matches } = this;
    if (matches.length === 0) return null;
    if (current === null) return direction === 1 ? matches[0]! : matches.at(-1)!;
    if (direction === 1) {
      const next = lowerBound(matches, current + 1);
      return next < matches.length ? matches[next]! : matches[0]!;
    }
    const previous = lowerBound(matches, current) - 1;
    return previous >= 0 ? matches[previous]! : matches.at(-1)!;
  }

  /** 1-based rank of a match, for "3 of 17"; 0 when it is not one. */
  rankOf(index: number | null): number {
    if (index === null) return 0;
    const at = lowerBound(this.matches, index);
    return this.matches[at] === index ? at + 1 : 0;
  }
}
