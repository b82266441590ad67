export type DiffKind = 'add' | 'del' | 'same' | 'hunk' | 'meta';

export interface DiffLine {
  kind: DiffKind;
  text: string;
}

/**
 * A unified diff's lines, classified for colouring. The hunk headers' counts say where a hunk
 * ends, so a removed line that itself starts with `--` is not taken for a file header.
 */
export function diffLines(diff: string): DiffLine[] {
  const out: DiffLine[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  const lines = diff.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const text of lines) {
    const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(text);
    if (hunk) {
      oldLeft = Number(hunk[1] ?? 1);
      newLeft = Number(hunk[2] ?? 1);
      out.push({ kind: 'hunk', text });
    } else if ((oldLeft <= 0 && newLeft <= 0) || text.startsWith('\\')) {
      out.push({ kind: 'meta', text });
    } else if (text.startsWith('+')) {
      newLeft--;
      out.push({ kind: 'add', text });
    } else if (text.startsWith('-')) {
      oldLeft--;
      out.push({ kind: 'del', text });
    } else {
      oldLeft--;
      newLeft--;
      out.push({ kind: 'same', text });
    }
  }
  return out;
}

export function diffStat(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'add') added++;
    else if (line.kind === 'del') removed++;
  }
  return { added, removed };
}
