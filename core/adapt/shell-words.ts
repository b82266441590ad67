/** A word of a shell command: its value (quotes removed, escapes applied) and its offsets in the script. */
export interface ShellWord {
  value: string;
  start: number;
  end: number;
}

/** One simple command: its words (assignments included, redirections not) and its whole span. */
export interface SimpleCommand {
  words: ShellWord[];
  start: number;
  end: number;
}

const SEPARATORS = new Set(['\n', ';', '&', '|', '(', ')']);
const BLANKS = new Set([' ', '\t', '\r']);
// Reserved words that open or close a compound command: what follows them is a command of its own.
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}']);
const REDIRECTION = /^(?:<<-|<<<|<<|>>|>&|<&|>\||<>|>|<)/;

/**
 * The simple commands of a shell script, split on `&&`, `||`, `;`, `|`, `&`, parentheses and line
 * breaks outside quotes. Best effort, not a full shell: enough to find pip and apt invocations.
 */
export function simpleCommands(script: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand | null = null;
  let redirectTarget = false;
  const finish = (): void => {
    if (current && current.words.length > 0) commands.push(current);
    current = null;
    redirectTarget = false;
  };
  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    if (BLANKS.has(ch)) i++;
    else if (ch === '\\' && script[i + 1] === '\n') i += 2;
    else if (SEPARATORS.has(ch)) {
      finish();
      i++;
    } else if (ch === '#') {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (ch === '<' || ch === '>') {
      const op = REDIRECTION.exec(script.slice(i))![0];
      current ??= { words: [], start: i, end: i };
      i += op.length;
      // `>&2`, `<&-`: the target is a descriptor written right after the operator.
      const fd = op.endsWith('&') ? /^(?:\d+|-)/.exec(script.slice(i)) : null;
      if (fd) i += fd[0].length;
      redirectTarget = !fd;
      current.end = i;
    } else {
      const word = readWord(script, i);
      // `2>…`: the digits are the redirection's file descriptor.
      const fd = /^\d+$/.test(word.value) && (script[word.end] === '>' || script[word.end] === '<');
      if (!current && !fd && RESERVED.has(word.value) && word.end - i === word.value.length) {
        i = word.end;
        continue;
      }
      current ??= { words: [], start: i, end: i };
      current.end = word.end;
      if (redirectTarget) redirectTarget = false;
      else if (!fd) current.words.push({ value: word.value, start: i, end: word.end });
      i = word.end;
    }
  }
  finish();
  return commands;
}

function readWord(script: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start;
  while (i < script.length) {
    const ch = script[i]!;
    if (BLANKS.has(ch) || SEPARATORS.has(ch) || ch === '<' || ch === '>') break;
    if (ch === '\\') {
      if (script[i + 1] !== '\n') value += script[i + 1] ?? '';
      i += 2;
    } else if (ch === "'") {
      const close = script.indexOf("'", i + 1);
      const end = close < 0 ? script.length : close;
      value += script.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      i++;
      while (i < script.length && script[i] !== '"') {
        if (script[i] === '\\' && '"\\$`\n'.includes(script[i + 1] ?? '')) {
          if (script[i + 1] !== '\n') value += script[i + 1];
          i += 2;
        } else if (script.startsWith('$(', i)) {
          const end = substitutionEnd(script, i + 2);
          value += script.slice(i, end);
          i = end;
        } else value += script[i++];
      }
      i++;
    } else if (script.startsWith('$(', i) || ch === '`') {
      const end =
        ch === '`' ? script.indexOf('`', i + 1) + 1 || script.length : substitutionEnd(script, i + 2);
      value += script.slice(i, end);
      i = end;
    } else {
      value += ch;
      i++;
    }
  }
  return { value, end: Math.min(i, script.length) };
}

/** The offset after the `)` that closes a `$(` whose body starts at `from`. */
function substitutionEnd(script: string, from: number): number {
  let depth = 1;
  let quote: string | null = null;
  for (let i = from; i < script.length; i++) {
    const ch = script[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\') i++;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return script.length;
}

/** Quotes a value for the shell only when it needs it. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
