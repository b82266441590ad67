import type { ExplanationId } from './doc-pages';

export type ExplainedKind =
  'directive' | 'parameter' | 'variable' | 'header' | 'instruction' | 'flag' | 'command';

/** A piece of a line that has an explanation. Columns are 0-based offsets in the line, `end` excluded. */
export interface ExplainedToken {
  id: ExplanationId;
  kind: ExplainedKind;
  line: number;
  start: number;
  end: number;
  text: string;
}

/** The explained tokens of each line: index 0 is line 1; every line of the text has an entry. */
export type ExplainedLines = ExplainedToken[][];

export function emptyLines(text: string): ExplainedLines {
  return text.split('\n').map(() => []);
}

/** Adds a token unless it overlaps one already there (the first found wins), keeping the line sorted. */
export function addToken(lines: ExplainedLines, token: ExplainedToken): void {
  const row = lines[token.line - 1];
  if (!row || token.end <= token.start) return;
  if (row.some((t) => t.start < token.end && token.start < t.end)) return;
  row.push(token);
  row.sort((a, b) => a.start - b.start);
}
