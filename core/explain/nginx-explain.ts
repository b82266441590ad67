import { tokenize } from '../nginx/lexer';
import type { Token, WordToken } from '../nginx/tokens';
import { directiveId, parameterId, variableId } from './nginx-ids';
import { addToken, emptyLines, type ExplainedLines } from './tokens';

/**
 * The explained tokens of an nginx.conf: directives (by the block they are in), their parameters,
 * header names and variables. It reads what nginx's own lexer (core/nginx/lexer) reads; a text it
 * refuses is read line by line, so a half-written conf is still explained.
 */
export function explainNginx(text: string): ExplainedLines {
  const lines = emptyLines(text);
  const source = text.split('\n');
  const blocks: string[] = [];
  let statement: WordToken[] = [];
  const end = (opensBlock: boolean): void => {
    const [name, ...args] = statement;
    if (name) {
      explainStatement(lines, source, name, args, blocks.at(-1) ?? '');
      if (opensBlock) blocks.push(name.value);
    } else if (opensBlock) blocks.push('');
    statement = [];
  };
  for (const token of tokensOf(text)) {
    if (token.type === 'word') statement.push(token);
    else if (token.type === ';') end(false);
    else if (token.type === '{') end(true);
    else if (token.type === '}') {
      end(false);
      blocks.pop();
    } else if (token.type === 'lab-comment') explainLabComment(lines, source, token.words);
  }
  end(false);
  return lines;
}

function tokensOf(text: string): Token[] {
  try {
    return tokenize(text, 'nginx.conf');
  } catch {
    return text.split('\n').flatMap((line, i) => {
      try {
        return tokenize(line, 'nginx.conf').map((token) => ({ ...token, at: { ...token.at, line: i + 1 } }));
      } catch {
        return [];
      }
    });
  }
}

function explainStatement(
  lines: ExplainedLines,
  source: string[],
  name: WordToken,
  args: WordToken[],
  parent: string,
): void {
  const directive = directiveId(name.value, parent);
  if (directive) add(lines, source, name, directive, 'directive');
  args.forEach((arg, index) => {
    const parameter = parameterId(directive, arg.value, index);
    if (parameter)
      add(lines, source, arg, parameter, parameter.startsWith('nginx.header.') ? 'header' : 'parameter');
    else explainVariables(lines, source, arg);
  });
}

/** `# upstream-lab: slow_start=10s` says of the server line what nginx Plus's parameter says. */
function explainLabComment(lines: ExplainedLines, source: string[], words: WordToken[]): void {
  for (const word of words) {
    const parameter = parameterId('nginx.upstream.server', word.value, 1);
    if (parameter) add(lines, source, word, parameter, 'parameter');
  }
}

const VARIABLE = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;

function explainVariables(lines: ExplainedLines, source: string[], word: WordToken): void {
  const { start, end } = span(source, word);
  const raw = source[word.at.line - 1]!.slice(start, end);
  for (const match of raw.matchAll(VARIABLE)) {
    const id = variableId(match[1] ?? match[2]!);
    if (!id) continue;
    const from = start + match.index;
    addToken(lines, {
      id,
      kind: 'variable',
      line: word.at.line,
      start: from,
      end: from + match[0].length,
      text: match[0],
    });
  }
}

function add(
  lines: ExplainedLines,
  source: string[],
  word: WordToken,
  id: NonNullable<ReturnType<typeof directiveId>>,
  kind: 'directive' | 'parameter' | 'header',
): void {
  const { start, end } = span(source, word);
  const text = source[word.at.line - 1]!.slice(start, end);
  addToken(lines, { id, kind, line: word.at.line, start, end, text });
}

/** Where the word is written on its line: its value has quotes removed and escapes applied. */
function span(source: string[], word: WordToken): { start: number; end: number } {
  const line = source[word.at.line - 1] ?? '';
  const start = word.at.col - 1;
  if (!word.quoted && !line.slice(start, start + word.value.length + 1).includes('\\'))
    return { start, end: Math.min(line.length, start + word.value.length) };
  const quote = word.quoted ? line[start] : null;
  let i = start + (quote ? 1 : 0);
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '\\') i += 2;
    else if (quote ? ch === quote : /[\s;{]/.test(ch)) break;
    else i++;
  }
  return { start, end: Math.min(line.length, quote ? i + 1 : i) };
}
