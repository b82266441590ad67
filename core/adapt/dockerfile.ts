import { physicalLines, type Line } from './dockerfile-lines';

export { editDockerfile } from './dockerfile-edit';
export { imageRegistry, withoutRegistry, pythonVersionOf } from './image-names';
export { stagesOf, type Stage } from './stages';

export interface Instruction {
  /** Upper-cased: FROM, RUN, ARG, ENV, COPY, … */
  keyword: string;
  /** The text after the keyword, continuation lines joined as Docker joins them. */
  args: string;
  /** The exec (JSON array) form, when the text after the flags is a JSON array of strings. */
  json: string[] | null;
  /** 1-based first line. */
  line: number;
  /** Last line, a heredoc's terminator included. */
  endLine: number;
  /** The original text of lines line..endLine, without the last line break. */
  raw: string;
  /** Leading `--name=value` flags (`--platform=…`, `--mount=…`, `--from=…`), as written. */
  flags: string[];
  /** Where the text after the flags starts in args. */
  bodyStart: number;
  /** For each character of args, its offset in raw: what is edited in args can be edited in raw. */
  argsAt: number[];
  heredocs: Heredoc[];
}

export interface Heredoc {
  name: string;
  /** `<<-`: leading tabs are stripped. */
  chomp: boolean;
  /** The body as in the file (line breaks included, terminator excluded). */
  content: string;
  /** Offset of the body in raw. */
  start: number;
}

export interface Dockerfile {
  text: string;
  instructions: Instruction[];
  escape: '\\' | '`';
  /** Parser directives (`syntax`, `escape`, `check`), by lower-cased name. */
  directives: Record<string, string>;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const HEREDOC = /^\d*<<(-?)([^<]*)$/;

/** Parses as BuildKit does: directives, comments, continuations (comment and empty lines inside skipped), heredocs. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = physicalLines(text);
  const directives: Record<string, string> = {};
  let escape: '\\' | '`' = '\\';
  let directivesOpen = true;
  const instructions: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const body = lines[i]!.text.trimStart();
    if (directivesOpen) {
      const match = DIRECTIVE.exec(body);
      const name = match?.[1]?.toLowerCase();
      if (match && name && KNOWN_DIRECTIVES.has(name)) {
        if (name in directives)
          throw new Error(`Dockerfile:${i + 1}: only one ${name} parser directive can be used`);
        directives[name] = match[2]!;
        if (name === 'escape') escape = escapeToken(match[2]!, i + 1);
        continue;
      }
      directivesOpen = false;
    }
    if (body === '' || body.startsWith('#')) continue;
    const { instruction, last } = readInstruction(text, lines, i, escape);
    instructions.push(instruction);
    i = last;
  }
  return { text, instructions, escape, directives };
}

function escapeToken(value: string, line: number): '\\' | '`' {
  if (value === '\\' || value === '`') return value;
  throw new Error(`Dockerfile:${line}: invalid escape token '${value}' does not match \` or \\`);
}

function readInstruction(
  text: string,
  lines: Line[],
  first: number,
  escape: string,
): { instruction: Instruction; last: number } {
  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  let joined = '';
  const at: number[] = [];
  const append = (line: Line, from: number): boolean => {
    const match = continuation.exec(line.text);
    const end = match ? match.index : line.text.length;
    for (let k = from; k < end; k++) {
      joined += line.text[k];
      at.push(line.start + k);
    }
    return match !== null;
  };
  const start = lines[first]!;
  let last = first;
  let more = append(start, start.text.length - start.text.trimStart().length);
  while (more && last + 1 < lines.length) {
    const body = lines[++last]!.text.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    more = append(lines[last]!, 0);
  }

  const head = /^(\S+)[ \t\v\f\r]*/.exec(joined)!;
  const keyword = head[1]!.toUpperCase();
  const args = joined.slice(head[0].length).trimEnd();
  const argsAt = at.slice(head[0].length, head[0].length + args.length).map((offset) => offset - start.start);
  const { flags, bodyStart } = leadingFlags(args);
  const heredocs: Heredoc[] = [];
  if (HEREDOC_KEYWORDS.has(keyword) && args.includes('<<')) {
    for (const { name, chomp } of heredocMarkers(args.slice(bodyStart))) {
      const bodyFrom = lines[last + 1]?.start ?? text.length;
      let terminated = false;
      while (!terminated && last + 1 < lines.length) {
        const candidate = lines[++last]!.text;
        terminated = (chomp ? candidate.replace(/^\t+/, '') : candidate) === name;
      }
      if (!terminated) throw new Error(`Dockerfile:${first + 1}: unterminated heredoc <<${name}`);
      heredocs.push({
        name,
        chomp,
        content: text.slice(bodyFrom, lines[last]!.start),
        start: bodyFrom - start.start,
      });
    }
  }
  const end = lines[last]!;
  return {
    instruction: {
      keyword,
      args,
      json: execForm(args.slice(bodyStart)),
      line: first + 1,
      endLine: last + 1,
      raw: text.slice(start.start, end.start + end.text.length),
      flags,
      bodyStart,
      argsAt,
      heredocs,
    },
    last,
  };
}

/** BuildKit's builder flags: the `--…` words at the start of the arguments. */
function leadingFlags(args: string): { flags: string[]; bodyStart: number } {
  const flags: string[] = [];
  let i = 0;
  for (;;) {
    while (args[i] === ' ' || args[i] === '\t') i++;
    if (!args.startsWith('--', i)) return { flags, bodyStart: i };
    const start = i;
    let quote: string | null = null;
    while (i < args.length && (quote !== null || (args[i] !== ' ' && args[i] !== '\t'))) {
      if (quote === null && (args[i] === '"' || args[i] === "'")) quote = args[i]!;
      else if (args[i] === quote) quote = null;
      i++;
    }
    flags.push(args.slice(start, i));
  }
}

/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<'EOF'` among the words of an instruction. */
function heredocMarkers(body: string): Array<{ name: string; chomp: boolean }> {
  const markers: Array<{ name: string; chomp: boolean }> = [];
  for (const word of body.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []) {
    const match = HEREDOC.exec(word);
    const name = match?.[2]?.replace(/["']/g, '');
    if (match && name) markers.push({ name, chomp: match[1] === '-' });
  }
  return markers;
}

function execForm(body: string): string[] | null {
  const trimmed = body.trim();
  if (!trimmed.startsWith('[')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
  } catch {
    return null;
  }
}
