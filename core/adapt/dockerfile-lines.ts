/** A physical line of a Dockerfile. */
export interface Line {
  /** Without its line break (`\n` or `\r\n`). */
  text: string;
  start: number;
  /** The line break that ends it: '' on a last line without one. */
  eol: string;
}

/** The file's lines, each with its offset and its line break. */
export function physicalLines(text: string): Line[] {
  const lines: Line[] = [];
  // A byte order mark (Windows editors) is not part of the first instruction.
  let start = text.startsWith('\uFEFF') ? 1 : 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const cr = end > start && text[end - 1] === '\r';
    lines.push({
      text: text.slice(start, cr ? end - 1 : end),
      start,
      eol: newline < 0 ? '' : cr ? '\r\n' : '\n',
    });
    if (newline < 0) return lines;
    start = newline + 1;
  }
}
