import { parseDockerfile, type Instruction } from '../adapt/dockerfile';
import { isExplanationId, type ExplanationId } from './doc-pages';
import { addToken, emptyLines, type ExplainedKind, type ExplainedLines } from './tokens';

/** Words of a Django project's RUN / CMD / ENTRYPOINT lines that have a note of their own. */
const COMMANDS: Array<{ pattern: RegExp; id: ExplanationId }> = [
  { pattern: /\bpip3?\s+install\b/g, id: 'django.pip_install' },
  { pattern: /(?<=\s)(?:-i|--index-url)(?=[\s=])/g, id: 'django.pip_index' },
  { pattern: /(?<=\s)(?:-U|--upgrade)\s+pip\b/g, id: 'django.pip_upgrade' },
  { pattern: /\brunserver\b/g, id: 'django.runserver' },
  { pattern: /\b0\.0\.0\.0:\d+/g, id: 'django.listen_all' },
  { pattern: /\bgunicorn\b/g, id: 'django.gunicorn' },
  { pattern: /\bcollectstatic\b/g, id: 'django.collectstatic' },
  { pattern: /\bmigrate\b/g, id: 'django.migrate' },
];
const COMMAND_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT']);
const FLAGS: Record<string, ExplanationId> = { '--from': 'docker.COPY.from', '--chown': 'docker.COPY.chown' };

/**
 * The explained tokens of a Dockerfile: each instruction's keyword, COPY's `--from` / `--chown`,
 * FROM's `AS`, and the Django commands of RUN / CMD / ENTRYPOINT. Instructions are found by the
 * project's own parser (core/adapt/dockerfile: continuations, comments, heredocs).
 */
export function explainDockerfile(text: string): ExplainedLines {
  const lines = emptyLines(text);
  const source = text.split('\n').map((line) => line.replace(/\r$/, ''));
  let instructions: Instruction[];
  try {
    instructions = parseDockerfile(text).instructions;
  } catch {
    return lines;
  }
  for (const instruction of instructions) {
    const first = source[instruction.line - 1] ?? '';
    const start = first.length - first.trimStart().length;
    const keyword = `docker.${instruction.keyword}`;
    if (isExplanationId(keyword))
      add(lines, instruction.line, start, start + instruction.keyword.length, keyword, 'instruction', first);
    // Heredoc bodies are a script's text, not the instruction's words.
    const last = instruction.heredocs.length ? instruction.line : instruction.endLine;
    for (let line = instruction.line; line <= last; line++) {
      const row = source[line - 1] ?? '';
      const from = line === instruction.line ? start + instruction.keyword.length : 0;
      explainWords(lines, instruction.keyword, line, row, from);
    }
  }
  return lines;
}

function explainWords(lines: ExplainedLines, keyword: string, line: number, row: string, from: number): void {
  const body = row.slice(from);
  const at = (index: number): number => from + index;
  if (keyword === 'COPY' || keyword === 'ADD') {
    for (const match of body.matchAll(/(?<=^|\s)(--[a-z]+)=\S*/g)) {
      const id = FLAGS[match[1]!];
      if (id) add(lines, line, at(match.index), at(match.index + match[0].length), id, 'flag', row);
    }
  }
  if (keyword === 'FROM') {
    const as = /\s(as)\s+\S+\s*$/i.exec(body);
    if (as) add(lines, line, at(as.index + 1), at(as.index + 3), 'docker.FROM.as', 'flag', row);
  }
  if (COMMAND_KEYWORDS.has(keyword)) {
    for (const { pattern, id } of COMMANDS) {
      for (const match of body.matchAll(pattern))
        add(lines, line, at(match.index), at(match.index + match[0].length), id, 'command', row);
    }
  }
}

function add(
  lines: ExplainedLines,
  line: number,
  start: number,
  end: number,
  id: ExplanationId,
  kind: ExplainedKind,
  row: string,
): void {
  addToken(lines, { id, kind, line, start, end, text: row.slice(start, end) });
}
