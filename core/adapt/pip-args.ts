/** An option of a pip command line, by its long name (`index-url` for `-i`). */
export interface PipOption {
  name: string;
  value?: string;
  /** The words it takes, first..last (one, or two when the value is a word of its own). */
  first: number;
  last: number;
  /** How the value is written: `--index-url=URL` (long), `-iURL` (short), `-i URL` (word). */
  valueForm?: 'long' | 'short' | 'word';
  /** The words first..last hold this option alone (not a cluster like `-Ur`). */
  alone: boolean;
}

export interface PipArgs {
  subcommand: string;
  /** Index of the subcommand's word. */
  subcommandWord: number;
  options: PipOption[];
  /** Indexes of the positional words after the subcommand. */
  positionals: number[];
}

// Short options that take a value; other letters are flags.
const SHORT: Record<string, string> = {
  r: 'requirement',
  c: 'constraint',
  e: 'editable',
  i: 'index-url',
  f: 'find-links',
  t: 'target',
  C: 'config-settings',
  w: 'wheel-dir',
  d: 'dest',
  b: 'build',
};

// pip's options that take a value: the general ones may come before the subcommand too.
const WITH_VALUE = new Set(
  (
    'cache-dir cert client-cert exists-action keyring-provider log log-file proxy python retries timeout ' +
    'trusted-host use-deprecated use-feature requirement constraint editable index-url extra-index-url ' +
    'find-links target platform python-version implementation abi prefix root src upgrade-strategy ' +
    'install-option global-option config-settings build-option no-binary only-binary progress-bar ' +
    'root-user-action report wheel-dir dest build group'
  ).split(' '),
);
const FLAGS = (
  'upgrade no-index no-deps pre user force-reinstall ignore-installed ignore-requires-python no-cache-dir ' +
  'quiet verbose no-build-isolation break-system-packages require-hashes prefer-binary no-compile compile ' +
  'no-warn-script-location no-warn-conflicts dry-run isolated disable-pip-version-check no-color no-input ' +
  'no-clean no-python-version-warning require-virtualenv use-pep517 no-use-pep517 check-build-dependencies'
).split(' ');
const LONG = [...WITH_VALUE, ...FLAGS];

/** optparse accepts a unique prefix of a long option (`--index` for `--index-url`). */
function longName(written: string): string {
  if (LONG.includes(written)) return written;
  const candidates = LONG.filter((name) => name.startsWith(written));
  return candidates.length === 1 ? candidates[0]! : written;
}

/** The options and positionals of `words` from `from` on, as optparse reads them. */
function parseOptions(
  words: readonly string[],
  from: number,
  stopAtPositional: boolean,
): { options: PipOption[]; positionals: number[]; next: number } {
  const options: PipOption[] = [];
  const positionals: number[] = [];
  let i = from;
  for (; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') {
      for (let k = i + 1; k < words.length; k++) positionals.push(k);
      return { options, positionals, next: words.length };
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = longName(word.slice(2, eq < 0 ? undefined : eq));
      if (eq >= 0)
        options.push({ name, value: word.slice(eq + 1), first: i, last: i, valueForm: 'long', alone: true });
      else if (WITH_VALUE.has(name) && i + 1 < words.length) {
        options.push({ name, value: words[i + 1]!, first: i, last: i + 1, valueForm: 'word', alone: true });
        i++;
      } else options.push({ name, first: i, last: i, alone: true });
    } else if (word.startsWith('-') && word.length > 1) {
      const start = options.length;
      for (let k = 1; k < word.length; k++) {
        const name = SHORT[word[k]!] ?? word[k]!;
        if (!WITH_VALUE.has(name)) {
          options.push({ name, first: i, last: i, alone: false });
          continue;
        }
        if (k + 1 < word.length) {
          options.push({
            name,
            value: word.slice(k + 1),
            first: i,
            last: i,
            valueForm: 'short',
            alone: false,
          });
        } else if (i + 1 < words.length) {
          options.push({
            name,
            value: words[i + 1]!,
            first: i,
            last: i + 1,
            valueForm: 'word',
            alone: false,
          });
          i++;
        }
        break;
      }
      if (options.length - start === 1) options[start]!.alone = true;
    } else if (stopAtPositional) {
      break;
    } else positionals.push(i);
  }
  return { options, positionals, next: i };
}

const PREFIXES = new Set(['sudo', 'exec', 'command', 'time', 'nice', 'nohup', 'env']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PIP = /^(?:.*\/)?pip(?:3(?:\.\d+)?)?$/;
const PYTHON = /^(?:.*\/)?python(?:3(?:\.\d+)?)?$/;

/** The index of the first word a command runs (after `VAR=x`, `sudo`, `env`). */
export function programWord(words: readonly string[]): number {
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    if (ASSIGNMENT.test(word)) i++;
    else if (PREFIXES.has(word)) {
      i++;
      while (words[i]?.startsWith('-')) i++;
    } else break;
  }
  return i;
}

/** `pip …`, `pip3.13 …`, `python -m pip …`: the index of the first word after pip, or -1. */
function afterPip(words: readonly string[]): number {
  const program = programWord(words);
  const word = words[program];
  if (word === undefined) return -1;
  if (PIP.test(word)) return program + 1;
  if (!PYTHON.test(word)) return -1;
  for (let i = program + 1; i < words.length; i++) {
    const option = words[i]!;
    if (option === '-m') return words[i + 1] === 'pip' ? i + 2 : -1;
    if (option === '-mpip') return i + 1;
    if (!option.startsWith('-')) return -1;
    if (option === '-W' || option === '-X') i++;
  }
  return -1;
}

/** A pip command line: its general options, subcommand and that subcommand's arguments. */
export function parsePip(words: readonly string[]): PipArgs | null {
  const start = afterPip(words);
  if (start < 0) return null;
  const general = parseOptions(words, start, true);
  const subcommandWord = general.next;
  const subcommand = words[subcommandWord];
  if (subcommand === undefined) return null;
  const rest = parseOptions(words, subcommandWord + 1, false);
  return {
    subcommand,
    subcommandWord,
    options: [...general.options, ...rest.options],
    positionals: rest.positionals,
  };
}
