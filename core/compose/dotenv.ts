import { ComposeError, type SourceAt } from './errors';
import { interpolate, InterpolationError, type Lookup } from './interpolate';

const BLANK = /[ \t\r\n\f\v]*/y;
const SPACES = /[ \t]*/y;
const EXPORT = /export[ \t]+/y;
const KEY = /[A-Za-z0-9_.-]+/y;

/**
 * An env file as Compose reads it: `KEY=VALUE` lines, optionally `export`ed; blank lines and `#`
 * comments. Unquoted values are trimmed and end at ` #`; single-quoted ones are literal; double-quoted
 * ones know `\n \r \t \\ \" \$`. Unquoted and double-quoted values are interpolated from `lookup`
 * first (the environment wins, as in Compose), then from the keys above. Quoted values may span lines.
 */
export function parseDotenv(
  text: string,
  file: string,
  lookup: Lookup = () => undefined,
): Record<string, string> {
  const values = new Map<string, string>();
  const scanner = new Scanner(text, file);
  const resolve: Lookup = (name) => lookup(name) ?? values.get(name);
  for (;;) {
    scanner.skip(BLANK);
    if (scanner.done()) break;
    if (scanner.peek() === '#') {
      scanner.skipLine();
      continue;
    }
    scanner.skip(EXPORT);
    const key = scanner.match(KEY);
    if (!key)
      throw scanner.error(`unexpected character ${JSON.stringify(scanner.peek())} in a variable name`);
    scanner.skip(SPACES);
    if (scanner.peek() !== '=') {
      const found = scanner.peek();
      throw scanner.error(
        found === '' || found === '\n' || found === '\r'
          ? `expected "=" after ${key} (a line reads KEY=VALUE)`
          : `expected "=" after ${key}, found ${JSON.stringify(found)} (a line reads KEY=VALUE)`,
      );
    }
    scanner.advance(1);
    scanner.skip(SPACES);
    values.set(key, readValue(scanner, resolve));
  }
  return Object.fromEntries(values);
}

function readValue(scanner: Scanner, lookup: Lookup): string {
  const at = scanner.at();
  const quote = scanner.peek();
  if (quote !== '"' && quote !== "'") {
    const line = scanner.restOfLine();
    const comment = line.search(/[ \t]#/);
    return expandAt(at, (comment < 0 ? line : line.slice(0, comment)).trimEnd(), lookup);
  }
  scanner.advance(1);
  const body = quote === "'" ? singleQuoted(scanner) : doubleQuoted(scanner);
  if (body === undefined) throw new ComposeError(at, `the ${quote} quote is not closed`);
  scanner.skip(SPACES);
  const after = scanner.peek();
  if (after === '#') scanner.skipLine();
  else if (after !== '' && after !== '\n' && after !== '\r')
    throw scanner.error(`unexpected ${JSON.stringify(after)} after the closing ${quote} quote`);
  return quote === "'" ? body : expandAt(at, body, lookup);
}

/** Literal up to the next unescaped `'`; `\'` is a quote. Undefined when the quote never closes. */
function singleQuoted(scanner: Scanner): string | undefined {
  let value = '';
  for (let ch = scanner.next(); ch !== ''; ch = scanner.next()) {
    if (ch === "'") return value;
    if (ch === '\\' && scanner.peek() === "'") value += scanner.next();
    else value += ch;
  }
  return undefined;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  '"': '"',
  "'": "'",
  $: '$$',
};

/** The text up to the next unescaped `"`, as an interpolation template (an escaped `$` becomes `$$`). */
function doubleQuoted(scanner: Scanner): string | undefined {
  let template = '';
  for (let ch = scanner.next(); ch !== ''; ch = scanner.next()) {
    if (ch === '"') return template;
    if (ch !== '\\') template += ch;
    else {
      const escaped = scanner.next();
      template += ESCAPES[escaped] ?? `\\${escaped}`;
    }
  }
  return undefined;
}

function expandAt(at: SourceAt, template: string, lookup: Lookup): string {
  try {
    return interpolate(template, lookup).value;
  } catch (error) {
    if (error instanceof InterpolationError) throw new ComposeError(at, error.message);
    throw error;
  }
}

class Scanner {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  next(): string {
    const ch = this.peek();
    this.advance(ch.length);
    return ch;
  }

  /** Moves on `count` UTF-16 code units, counting lines. */
  advance(count: number): void {
    const end = Math.min(this.pos + count, this.text.length);
    for (; this.pos < end; this.pos++) {
      if (this.text[this.pos] === '\n') {
        this.line++;
        this.lineStart = this.pos + 1;
      }
    }
  }

  match(pattern: RegExp): string {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text)?.[0] ?? '';
    this.advance(found.length);
    return found;
  }

  skip(pattern: RegExp): void {
    this.match(pattern);
  }

  /** The rest of the line (without its `\n`), consumed. */
  restOfLine(): string {
    const end = this.text.indexOf('\n', this.pos);
    const line = this.text.slice(this.pos, end < 0 ? undefined : end);
    this.advance(line.length);
    return line;
  }

  skipLine(): void {
    this.restOfLine();
  }

  at(): SourceAt {
    return { file: this.file, line: this.line, col: this.pos - this.lineStart + 1 };
  }

  error(reason: string): ComposeError {
    return new ComposeError(this.at(), reason);
  }
}
