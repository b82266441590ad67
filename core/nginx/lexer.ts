import { ConfigError, type SourcePosition } from './errors';
import { LAB_COMMENT_PREFIX, type Token, type WordToken } from './tokens';

const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

const LAB_COMMENT = new RegExp(`^#[ \\t]*${LAB_COMMENT_PREFIX.replace(/[-:]/g, '\\$&')}`);

/**
 * Splits nginx config text into tokens, following ngx_conf_read_token: a word ends at whitespace,
 * `;` or `{` (but `${` stays inside a word), `#` starts a comment only at the start of a word, quotes
 * only open at the start of a word and must be followed by whitespace, `;` or `{`.
 */
export function tokenize(text: string, file: string): Token[] {
  return new Lexer(text, file).run();
}

class Lexer {
  private pos = 0;
  private line = 1;
  private col = 1;
  private readonly tokens: Token[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string,
    start?: SourcePosition,
  ) {
    if (start) {
      this.line = start.line;
      this.col = start.col;
    }
    // A UTF-8 byte order mark (Windows editors) is not part of the first directive name.
    if (!start && text.startsWith('\uFEFF')) this.pos = 1;
  }

  run(): Token[] {
    for (;;) {
      while (isSpace(this.peek())) this.advance();
      const at = this.here();
      const ch = this.peek();
      if (ch === undefined) {
        this.tokens.push({ type: 'eof', at });
        return this.tokens;
      }
      if (ch === '#') this.comment(at);
      else if (ch === ';' || ch === '{' || ch === '}') {
        this.advance();
        this.tokens.push({ type: ch, at });
      } else if (ch === '"' || ch === "'") this.tokens.push(this.quoted(at, ch));
      else this.tokens.push(this.word(at));
    }
  }

  private comment(at: SourcePosition): void {
    const start = this.pos;
    while (this.peek() !== undefined && this.peek() !== '\n') this.advance();
    const text = this.text.slice(start, this.pos);
    const prefix = LAB_COMMENT.exec(text);
    if (!prefix) return;
    const bodyAt = { ...at, col: at.col + prefix[0].length };
    const body = new Lexer(text.slice(prefix[0].length), this.file, bodyAt).run();
    const words: WordToken[] = [];
    body.forEach((token, index) => {
      if (token.type === 'word') words.push(token);
      // A trailing `;` is tolerated: people write the comment like a directive.
      else if (token.type === ';' && index === body.length - 2) return;
      else if (token.type !== 'eof') {
        throw new ConfigError(token.at, `unexpected "${token.type}" in an upstream-lab comment`);
      }
    });
    this.tokens.push({ type: 'lab-comment', words, at });
  }

  private quoted(at: SourcePosition, quote: string): WordToken {
    this.advance();
    const start = this.pos;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw this.unexpectedEnd();
      if (ch === '\\') {
        this.advance();
        if (this.peek() !== undefined) this.advance();
        continue;
      }
      if (ch === quote) break;
      this.advance();
    }
    const raw = this.text.slice(start, this.pos);
    this.advance();
    const next = this.peek();
    if (next !== undefined && !isSpace(next) && next !== ';' && next !== '{') {
      throw new ConfigError(this.here(), `unexpected "${next}"`);
    }
    return { type: 'word', value: unescape(raw), quoted: true, at };
  }

  private word(at: SourcePosition): WordToken {
    const start = this.pos;
    let afterDollar = false;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) break;
      if (ch === '{' && afterDollar) {
        afterDollar = false;
        this.advance();
        continue;
      }
      if (isSpace(ch) || ch === ';' || ch === '{') break;
      afterDollar = ch === '$';
      this.advance();
      if (ch === '\\' && this.peek() !== undefined) this.advance();
    }
    return { type: 'word', value: unescape(this.text.slice(start, this.pos)), quoted: false, at };
  }

  private unexpectedEnd(): ConfigError {
    while (this.peek() !== undefined) this.advance();
    return new ConfigError(this.here(), 'unexpected end of file, expecting ";" or "}"');
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private advance(): void {
    if (this.text[this.pos] === '\n') {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
    this.pos++;
  }

  private here(): SourcePosition {
    return { file: this.file, line: this.line, col: this.col };
  }
}

/** nginx unescapes `\"`, `\'`, `\\`, `\t`, `\r` and `\n` in every word; other backslashes stay. */
function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(["'\\trn])/g, (_, ch: string) =>
    ch === 't' ? '\t' : ch === 'r' ? '\r' : ch === 'n' ? '\n' : ch,
  );
}
