import { describe, expect, test } from 'vitest';
import { tokenize } from '../../core/nginx/lexer';
import type { Token } from '../../core/nginx/tokens';

const F = 'x.conf';
const brief = (tokens: Token[]): string[] =>
  tokens.map((token) => {
    const at = `${token.at.line}:${token.at.col}`;
    if (token.type === 'word') return `${at} ${token.quoted ? 'q' : 'w'} ${JSON.stringify(token.value)}`;
    if (token.type === 'lab-comment')
      return `${at} lab ${token.words.map((w) => `${w.at.col}:${w.value}`).join(' ')}`;
    return `${at} ${token.type}`;
  });

describe('tokenize', () => {
  test('words, punctuation and 1-based positions', () => {
    expect(brief(tokenize('upstream b {\n    server 127.0.0.1:80 weight=2;\n}', F))).toStrictEqual([
      '1:1 w "upstream"',
      '1:10 w "b"',
      '1:12 {',
      '2:5 w "server"',
      '2:12 w "127.0.0.1:80"',
      '2:25 w "weight=2"',
      '2:33 ;',
      '3:1 }',
      '3:2 eof',
    ]);
  });

  test('quotes: both kinds, nginx escapes, multi-line strings keep later positions right', () => {
    const text = `a "x\\"y" 'it\\'s' "t\\tn\\n\\\\" "two\nlines" b;`;
    expect(brief(tokenize(text, F))).toStrictEqual([
      '1:1 w "a"',
      '1:3 q "x\\"y"',
      '1:10 q "it\'s"',
      '1:18 q "t\\tn\\n\\\\"',
      '1:29 q "two\\nlines"',
      '2:8 w "b"',
      '2:9 ;',
      '2:10 eof',
    ]);
  });

  test('unknown escapes keep their backslash; an escaped ";" does not end the word', () => {
    const words = tokenize('a \\d\\; "\\w";', F).filter((token) => token.type === 'word');
    expect(words.map((word) => word.value)).toStrictEqual(['a', '\\d\\;', '\\w']);
  });

  test('${var} stays inside a word while a bare "{" opens a block', () => {
    expect(brief(tokenize('proxy_set_header X ${host}:x;\nlocation /a{', F))).toStrictEqual([
      '1:1 w "proxy_set_header"',
      '1:18 w "X"',
      '1:20 w "${host}:x"',
      '1:29 ;',
      '2:1 w "location"',
      '2:10 w "/a"',
      '2:12 {',
      '2:13 eof',
    ]);
  });

  test('"#" starts a comment only at the start of a word; "}" inside a word is text', () => {
    expect(brief(tokenize('a b#c # comment ; {\nd}', F))).toStrictEqual([
      '1:1 w "a"',
      '1:3 w "b#c"',
      '2:1 w "d}"',
      '2:3 eof',
    ]);
  });

  test('CRLF line endings and a UTF-8 byte order mark', () => {
    expect(brief(tokenize('\uFEFFevents {}\r\nhttp {\r\n}\r\n', F))).toStrictEqual([
      '1:1 w "events"',
      '1:8 {',
      '1:9 }',
      '2:1 w "http"',
      '2:6 {',
      '3:1 }',
      '4:1 eof',
    ]);
  });

  test('"# upstream-lab:" comments become tokens with positioned words; other comments vanish', () => {
    const text =
      'server a:1; # upstream-lab: slow_start=10s\n#upstream-lab:health_check "uri=/h c";\n# upstream-lab is great';
    expect(brief(tokenize(text, F))).toStrictEqual([
      '1:1 w "server"',
      '1:8 w "a:1"',
      '1:11 ;',
      '1:13 lab 29:slow_start=10s',
      '2:1 lab 15:health_check 28:uri=/h c',
      '3:24 eof',
    ]);
  });

  test('a "{" in an upstream-lab comment is an error', () => {
    expect(() => tokenize('# upstream-lab: health_check {', F)).toThrow(
      'x.conf:1:30: unexpected "{" in an upstream-lab comment',
    );
  });
});
