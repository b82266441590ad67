import { parseRequirementSpec } from './requirement-spec';

export { markerApplies, type MarkerEnv } from './markers';
export { normalizeName } from './package-names';

export interface Requirement {
  name: string;
  /** PEP 503 normalized; '' for a URL or path that names no project. */
  key: string;
  extras: string[];
  /** `==5.2.5`, `>=3.1,<4`, '' — spacing normalized. */
  specifier: string;
  marker: string | null;
  /** `pkg @ https://…`, `git+https://…`, a path like `./libs/x` or `.`. */
  url: string | null;
  editable: boolean;
  /** `--hash=` values. */
  hashes: string[];
  line: number;
  /** Last physical line (continuations). */
  endLine: number;
  /** The physical lines line..endLine as written. */
  raw: string;
}

export interface RequirementsFile {
  file: string;
  requirements: Requirement[];
  includes: Array<{ kind: 'requirement' | 'constraint'; file: string; line: number }>;
  /** Other options, by long name: `index-url`, `extra-index-url`, `find-links`, `trusted-host`, `pre`, … */
  options: Array<{ line: number; endLine: number; name: string; value?: string }>;
}

// The options pip accepts in a requirements file: long name → takes a value.
const OPTIONS: Record<string, boolean> = {
  'index-url': true,
  'extra-index-url': true,
  'no-index': false,
  constraint: true,
  requirement: true,
  editable: true,
  'find-links': true,
  'no-binary': true,
  'only-binary': true,
  'prefer-binary': false,
  'require-hashes': false,
  pre: false,
  'trusted-host': true,
  'use-feature': true,
  'global-option': true,
  'config-settings': true,
  hash: true,
};
const SHORT: Record<string, string> = {
  i: 'index-url',
  c: 'constraint',
  r: 'requirement',
  e: 'editable',
  f: 'find-links',
  C: 'config-settings',
};
const COMMENT = /(^|\s+)#.*$/;

/** Parses pip's requirements format; throws `file:line: reason` on a line pip would refuse. */
export function parseRequirements(text: string, file: string): RequirementsFile {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const out: RequirementsFile = { file, requirements: [], includes: [], options: [] };
  for (const logical of joinLines(physical)) {
    const content = logical.text.replace(COMMENT, '').trim();
    if (!content) continue;
    const at = `${file}:${logical.line}`;
    try {
      const { args, options } = splitLine(content);
      const raw = physical.slice(logical.line - 1, logical.endLine).join('\n');
      const place = { line: logical.line, endLine: logical.endLine, raw };
      if (args) {
        const hashes = options.filter((o) => o.name === 'hash').map((o) => o.value!);
        out.requirements.push({ ...parseRequirementSpec(args, false), editable: false, hashes, ...place });
        continue;
      }
      for (const { name, value } of options) {
        if (name === 'requirement' || name === 'constraint') {
          out.includes.push({ kind: name, file: value!, line: logical.line });
        } else if (name === 'editable') {
          out.requirements.push({
            ...parseRequirementSpec(value!, true),
            editable: true,
            hashes: [],
            ...place,
          });
        } else
          out.options.push({
            line: place.line,
            endLine: place.endLine,
            name,
            ...(value !== undefined ? { value } : {}),
          });
      }
    } catch (error) {
      throw new Error(`${at}: ${(error as Error).message}`, { cause: error });
    }
  }
  return out;
}

/** pip's join_lines: a trailing `\` continues a line, except on a comment line, which ends one. */
function joinLines(lines: string[]): Array<{ line: number; endLine: number; text: string }> {
  const out: Array<{ line: number; endLine: number; text: string }> = [];
  let start = -1;
  let parts: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const comment = /^\s*#/.test(line);
    if (line.endsWith('\\') && !comment) {
      if (start < 0) start = index;
      parts.push(line.replace(/^\\+|\\+$/g, ''));
    } else if (start >= 0) {
      out.push({ line: start + 1, endLine: index + 1, text: parts.join('') + (comment ? ` ${line}` : line) });
      start = -1;
      parts = [];
    } else out.push({ line: index + 1, endLine: index + 1, text: line });
  }
  if (start >= 0) out.push({ line: start + 1, endLine: lines.length, text: parts.join('') });
  return out;
}

/** pip's break_args_options, then its option parser over the options part. */
function splitLine(content: string): { args: string; options: Array<{ name: string; value?: string }> } {
  const tokens = content.split(' ');
  const first = tokens.findIndex((token) => token.startsWith('-'));
  const args = (first < 0 ? tokens : tokens.slice(0, first)).join(' ').trim();
  const words = first < 0 ? [] : shellSplit(tokens.slice(first).join(' '));
  const options: Array<{ name: string; value?: string }> = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    let name: string;
    let value: string | undefined;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      name = longOption(word.slice(2, eq < 0 ? undefined : eq));
      if (eq >= 0) value = word.slice(eq + 1);
    } else if (word.startsWith('-') && word.length > 1 && SHORT[word[1]!]) {
      name = SHORT[word[1]!]!;
      if (word.length > 2) value = word.slice(2);
    } else throw new Error(word.startsWith('-') ? `no such option: ${word}` : `unexpected ${word}`);
    if (OPTIONS[name] && value === undefined) {
      value = words[++i];
      if (value === undefined) throw new Error(`${word} option requires an argument`);
    } else if (!OPTIONS[name] && value !== undefined)
      throw new Error(`--${name} option does not take a value`);
    options.push({ name, ...(value !== undefined ? { value } : {}) });
  }
  return { args, options };
}

/** optparse: an exact long name or a unique prefix of one. */
function longOption(written: string): string {
  if (written in OPTIONS) return written;
  const candidates = Object.keys(OPTIONS).filter((name) => name.startsWith(written));
  if (candidates.length === 1) return candidates[0]!;
  throw new Error(`no such option: --${written}`);
}

/** shlex.split: whitespace outside quotes separates; quotes and backslash escapes are removed. */
function shellSplit(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/(?:[^\s"'\\]+|"(?:[^"\\]|\\.)*"|'[^']*'|\\.)+/g)) {
    words.push(
      match[0].replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'|\\(.)/g, (_, d?: string, s?: string, e?: string) =>
        d !== undefined ? d.replace(/\\(.)/g, '$1') : (s ?? e ?? ''),
      ),
    );
  }
  return words;
}
