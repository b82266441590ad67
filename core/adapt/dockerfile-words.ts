/** A word of an instruction's arguments as written (quotes and escapes kept), with its offsets. */
export interface DockerWord {
  text: string;
  start: number;
  end: number;
}

const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';

/** Splits like Docker's ARG / ENV / FROM parsing: on whitespace outside quotes; the escape char guards the next one. */
export function dockerWords(text: string, escape: string): DockerWord[] {
  const words: DockerWord[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const start = i;
    let quote: string | null = null;
    while (i < text.length && (quote !== null || !isSpace(text[i]))) {
      const ch = text[i]!;
      if (ch === escape && quote !== "'") i++;
      else if (quote === null && (ch === '"' || ch === "'")) quote = ch;
      else if (ch === quote) quote = null;
      i++;
    }
    words.push({ text: text.slice(start, Math.min(i, text.length)), start, end: Math.min(i, text.length) });
  }
  return words;
}

/**
 * A word's value as Docker's shell lexer makes it: quotes removed, escapes applied and `$VAR`,
 * `${VAR}`, `${VAR:-x}`, `${VAR-x}`, `${VAR:+x}`, `${VAR+x}` expanded from `vars` (an unset
 * variable is empty). With `vars` null, references are kept as written.
 */
export function expandWord(word: string, vars: ReadonlyMap<string, string> | null, escape: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    const ch = word[i]!;
    if (ch === escape && i + 1 < word.length) {
      out += word[i + 1];
      i += 2;
    } else if (ch === "'") {
      const close = word.indexOf("'", i + 1);
      const end = close < 0 ? word.length : close;
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      i++;
      while (i < word.length && word[i] !== '"') {
        const c = word[i]!;
        if (c === escape && (word[i + 1] === '"' || word[i + 1] === '$' || word[i + 1] === escape)) {
          out += word[i + 1];
          i += 2;
        } else if (c === '$') {
          const [text, next] = reference(word, i, vars, escape);
          out += text;
          i = next;
        } else {
          out += c;
          i++;
        }
      }
      i++;
    } else if (ch === '$') {
      const [text, next] = reference(word, i, vars, escape);
      out += text;
      i = next;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([\s\S]*))?$/;

/** The `$…` reference at `at`: its expansion and the offset after it. */
function reference(
  word: string,
  at: number,
  vars: ReadonlyMap<string, string> | null,
  escape: string,
): [string, number] {
  if (word[at + 1] === '{') {
    const close = closingBrace(word, at + 2);
    if (close < 0) return [word.slice(at), word.length];
    if (vars === null) return [word.slice(at, close + 1), close + 1];
    const match = BRACED.exec(word.slice(at + 2, close));
    if (!match) return [word.slice(at, close + 1), close + 1];
    const value = vars.get(match[1]!);
    const operator = match[2];
    const alternative = (): string => expandWord(match[3] ?? '', vars, escape);
    const isSet = value !== undefined;
    const nonEmpty = isSet && value !== '';
    let text = value ?? '';
    if (operator === ':-') text = nonEmpty ? value : alternative();
    else if (operator === '-') text = isSet ? value : alternative();
    else if (operator === ':+') text = nonEmpty ? alternative() : '';
    else if (operator === '+') text = isSet ? alternative() : '';
    return [text, close + 1];
  }
  const name = NAME.exec(word.slice(at + 1))?.[0];
  if (!name) return ['$', at + 1];
  const end = at + 1 + name.length;
  return [vars === null ? word.slice(at, end) : (vars.get(name) ?? ''), end];
}

function closingBrace(word: string, from: number): number {
  let depth = 1;
  for (let i = from; i < word.length; i++) {
    if (word[i] === '{') depth++;
    else if (word[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
