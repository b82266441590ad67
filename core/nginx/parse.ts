import type { BlockItem, Directive } from './ast';
import { ConfigError } from './errors';
import { tokenize } from './lexer';
import type { Token, WordToken } from './tokens';

/** Parses nginx config text into a tree of directives; only syntax is checked here. */
export function parseDirectives(text: string, file: string): BlockItem[] {
  return new TreeBuilder(tokenize(text, file)).block(0);
}

class TreeBuilder {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  block(depth: number): BlockItem[] {
    const items: BlockItem[] = [];
    for (;;) {
      const token = this.next();
      switch (token.type) {
        case 'eof':
          if (depth > 0) throw new ConfigError(token.at, 'unexpected end of file, expecting "}"');
          return items;
        case '}':
          if (depth === 0) throw new ConfigError(token.at, 'unexpected "}"');
          return items;
        case ';':
        case '{':
          throw new ConfigError(token.at, `unexpected "${token.type}"`);
        case 'lab-comment':
          items.push({ kind: 'lab-comment', at: token.at, words: token.words });
          break;
        case 'word':
          items.push(this.directive(token, depth));
          break;
      }
    }
  }

  private directive(name: WordToken, depth: number): Directive {
    const args: WordToken[] = [];
    for (;;) {
      const token = this.next();
      switch (token.type) {
        case 'word':
          args.push(token);
          break;
        case ';':
          return { kind: 'directive', name: name.value, at: name.at, args, end: token.at };
        case '{':
          return {
            kind: 'directive',
            name: name.value,
            at: name.at,
            args,
            end: token.at,
            block: this.block(depth + 1),
          };
        case '}':
          throw new ConfigError(token.at, 'unexpected "}"');
        case 'eof':
          throw new ConfigError(token.at, 'unexpected end of file, expecting ";" or "}"');
        case 'lab-comment':
          throw new ConfigError(token.at, 'an upstream-lab comment cannot interrupt a directive');
      }
    }
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (!token) throw new Error('token stream ended without an eof token');
    if (token.type !== 'eof') this.index++;
    return token;
  }
}
