import type { Instruction } from './dockerfile';
import { simpleCommands } from './shell-words';

/**
 * Where a command's text sits, which decides how an edit is written back: `shell` (a shell-form
 * RUN or a heredoc script, written as is), `json-string` (the script of `["sh", "-c", "…"]`,
 * JSON-escaped), `argv` (an exec-form RUN without a shell: each word a JSON string).
 */
export type CommandForm = 'shell' | 'json-string' | 'argv';

/** A word of a command, with where it is in the script and in the instruction's raw text. */
export interface CommandWord {
  value: string;
  start: number;
  end: number;
  /** raw.slice(from, to) is the word as written. */
  from: number;
  to: number;
}

/** A command of a RUN: its words and its span in the script and in raw. */
export interface RunCommand {
  form: CommandForm;
  /** The text the offsets index: args for a shell-form RUN (flags blanked), else the script or args. */
  script: string;
  words: CommandWord[];
  start: number;
  end: number;
  from: number;
  to: number;
}

const SHELLS = /^(?:.*\/)?(?:sh|bash|dash|ash)$/;

/** Every simple command a RUN runs: of its shell form, of `["sh", "-c", "…"]`, of a heredoc script. */
export function runCommands(instruction: Instruction): RunCommand[] {
  if (instruction.keyword !== 'RUN') return [];
  const { args, argsAt, bodyStart } = instruction;
  const out: RunCommand[] = [];
  if (instruction.json) {
    const strings = jsonStrings(args, bodyStart);
    const argv = strings.map((s) => s.value);
    const c = argv.findIndex((word, i) => i > 0 && /^-[a-z]*c$/.test(word));
    const script = c > 0 && SHELLS.test(argv[0] ?? '') ? strings[c + 1] : undefined;
    if (script) {
      const at = script.chars.map((span) => ({ from: argsAt[span.from]!, to: argsAt[span.to - 1]! + 1 }));
      out.push(...commandsOf('json-string', script.value, at));
    } else if (strings.length > 0) {
      const open = args.indexOf('[', bodyStart);
      const close = args.lastIndexOf(']');
      out.push({
        form: 'argv',
        script: args,
        words: strings.map((s) => ({
          value: s.value,
          start: s.start,
          end: s.end,
          from: argsAt[s.start]!,
          to: argsAt[s.end - 1]! + 1,
        })),
        start: open,
        end: close + 1,
        from: argsAt[open]!,
        to: argsAt[close]! + 1,
      });
    }
    return out;
  }
  const text = ' '.repeat(bodyStart) + args.slice(bodyStart);
  out.push(
    ...commandsOf(
      'shell',
      text,
      argsAt.map((offset) => ({ from: offset, to: offset + 1 })),
    ),
  );
  if (instruction.heredocs.length > 0 && heredocIsScript(args.slice(bodyStart))) {
    for (const heredoc of instruction.heredocs) {
      const at = Array.from({ length: heredoc.content.length }, (_, i) => ({
        from: heredoc.start + i,
        to: heredoc.start + i + 1,
      }));
      out.push(...commandsOf('shell', heredoc.content, at));
    }
  }
  return out;
}

/** `RUN <<EOF` and `RUN bash -e <<EOF` run the heredoc as a script; `RUN python3 <<EOF` does not. */
function heredocIsScript(body: string): boolean {
  const words = body.trim().split(/\s+/);
  const rest = SHELLS.test(words[0] ?? '')
    ? words.slice(1).filter((w) => !w.startsWith('-') || w.startsWith('<<'))
    : words;
  return rest.length > 0 && rest.every((word) => /^\d*<<-?\S/.test(word));
}

function commandsOf(
  form: CommandForm,
  script: string,
  at: Array<{ from: number; to: number }>,
): RunCommand[] {
  return simpleCommands(script).map((command) => ({
    form,
    script,
    words: command.words.map((word) => ({
      ...word,
      from: at[word.start]!.from,
      to: at[word.end - 1]!.to,
    })),
    start: command.start,
    end: command.end,
    from: at[command.start]!.from,
    to: at[command.end - 1]!.to,
  }));
}

interface JsonString {
  value: string;
  /** The literal's offsets, quotes included. */
  start: number;
  end: number;
  /** For each character of the value, the span of the literal that encodes it. */
  chars: Array<{ from: number; to: number }>;
}

/** The string literals of a JSON array in `text` from `from` (already known to be valid). */
function jsonStrings(text: string, from: number): JsonString[] {
  const out: JsonString[] = [];
  for (let i = text.indexOf('[', from) + 1; i < text.length; i++) {
    if (text[i] !== '"') continue;
    const start = i++;
    let value = '';
    const chars: JsonString['chars'] = [];
    while (text[i] !== '"') {
      const at = i;
      if (text[i] === '\\') {
        const escape = text[i + 1]!;
        const length = escape === 'u' ? 6 : 2;
        value += JSON.parse(`"${text.slice(i, i + length)}"`) as string;
        i += length;
      } else value += text[i++];
      chars.push({ from: at, to: i });
    }
    out.push({ value, start, end: i + 1, chars });
  }
  return out;
}
