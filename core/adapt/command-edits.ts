import type { RunCommand } from './run-scripts';
import { shellQuote } from './shell-words';

/** Replace raw.slice(from, to) with text. */
export interface RawEdit {
  from: number;
  to: number;
  text: string;
}

/** A word as it is written in the command's form: shell-quoted, JSON-escaped inside `sh -c "…"`. */
function written(command: RunCommand, value: string): string {
  const quoted = shellQuote(value);
  if (command.form === 'shell') return quoted;
  if (command.form === 'json-string') return JSON.stringify(quoted).slice(1, -1);
  return JSON.stringify(value);
}

/** New words right after word `index`. */
export function insertAfter(command: RunCommand, index: number, values: string[]): RawEdit {
  const at = command.words[index]!.to;
  const separator = command.form === 'argv' ? ', ' : ' ';
  return { from: at, to: at, text: values.map((value) => separator + written(command, value)).join('') };
}

/**
 * Words first..last removed with the space that separated them from a neighbour: the space after
 * them, unless it ends their line (a continuation), which then stays for the next word.
 */
export function removeWords(command: RunCommand, first: number, last: number, raw: string): RawEdit {
  const { words } = command;
  const next = words[last + 1];
  if (next && command.form !== 'argv' && !raw.slice(words[last]!.to, next.from).includes('\n')) {
    return { from: words[first]!.from, to: next.from, text: '' };
  }
  return { from: words[first - 1]!.to, to: words[last]!.to, text: '' };
}

/** Word `index` written anew. */
export function replaceWord(command: RunCommand, index: number, value: string): RawEdit {
  const word = command.words[index]!;
  return { from: word.from, to: word.to, text: written(command, value) };
}

/** The whole command replaced by a no-op. */
export function replaceWithTrue(command: RunCommand): RawEdit {
  return { from: command.from, to: command.to, text: command.form === 'argv' ? '["true"]' : 'true' };
}

/** Applies non-overlapping edits; at one offset, insertions (in their order) come before a removal. */
export function applyEdits(raw: string, edits: RawEdit[]): string {
  const sorted = edits
    .map((edit, order) => ({ ...edit, order }))
    .sort((a, b) => a.from - b.from || a.to - a.from - (b.to - b.from) || a.order - b.order);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.from < at) continue;
    out += raw.slice(at, edit.from) + edit.text;
    at = edit.to;
  }
  return out + raw.slice(at);
}
