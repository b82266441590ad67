import type { Dockerfile, Instruction } from './dockerfile';
import { dockerWords, expandWord } from './dockerfile-words';
import { parsePip, programWord, type PipOption } from './pip-args';
import { runCommands, type RunCommand } from './run-scripts';

export interface PipCommand {
  instruction: Instruction;
  /** Offsets of this command in `script` (which is instruction.args for a shell-form RUN). */
  start: number;
  end: number;
  subcommand: 'install' | 'wheel' | 'download';
  /** The last -i / --index-url (pip uses the last one). */
  indexUrl: string | null;
  extraIndexUrls: string[];
  trustedHosts: string[];
  findLinks: string[];
  noIndex: boolean;
  requirementFiles: string[];
  constraintFiles: string[];
  editables: string[];
  /** Positional specs (`--upgrade pip` → ['pip']). */
  packages: string[];
  /** Installs only pip, setuptools or wheel. */
  selfUpgrade: boolean;
  script: string;
  command: RunCommand;
  options: PipOption[];
  subcommandWord: number;
}

const SUBCOMMANDS = new Set(['install', 'wheel', 'download']);
const PACKAGING_TOOLS = new Set(['pip', 'setuptools', 'wheel']);

/** Every pip install / wheel / download of the Dockerfile's RUN instructions, in order. */
export function findPipCommands(dockerfile: Dockerfile): PipCommand[] {
  return dockerfile.instructions.flatMap((instruction) =>
    runCommands(instruction).flatMap((command): PipCommand[] => {
      const words = command.words.map((word) => word.value);
      const pip = parsePip(words);
      if (!pip || !SUBCOMMANDS.has(pip.subcommand)) return [];
      const values = (name: string): string[] =>
        pip.options.flatMap((option) =>
          option.name === name && option.value !== undefined ? [option.value] : [],
        );
      const packages = pip.positionals.map((i) => words[i]!);
      const requirementFiles = values('requirement');
      const editables = values('editable');
      return [
        {
          instruction,
          start: command.start,
          end: command.end,
          subcommand: pip.subcommand as PipCommand['subcommand'],
          indexUrl: values('index-url').at(-1) ?? null,
          extraIndexUrls: values('extra-index-url'),
          trustedHosts: values('trusted-host'),
          findLinks: values('find-links'),
          noIndex: pip.options.some((option) => option.name === 'no-index'),
          requirementFiles,
          constraintFiles: values('constraint'),
          editables,
          packages,
          selfUpgrade:
            pip.subcommand === 'install' &&
            packages.length > 0 &&
            requirementFiles.length === 0 &&
            editables.length === 0 &&
            packages.every((spec) => PACKAGING_TOOLS.has(/^[A-Za-z0-9._-]*/.exec(spec)![0].toLowerCase())),
          script: command.script,
          command,
          options: pip.options,
          subcommandWord: pip.subcommandWord,
        },
      ];
    }),
  );
}

export interface AptCommand {
  instruction: Instruction;
  start: number;
  end: number;
  action: 'update' | 'install' | 'other';
  packages: string[];
  command: RunCommand;
  actionWord: number;
  options: string[];
}

const APT = /^(?:.*\/)?(?:apt-get|apt)$/;
const APT_WITH_VALUE = new Set(['o', 'c', 't', 'option', 'config-file', 'target-release', 'default-release']);

/** Every apt-get / apt invocation of the Dockerfile's RUN instructions, in order. */
export function findAptCommands(dockerfile: Dockerfile): AptCommand[] {
  return dockerfile.instructions.flatMap((instruction) =>
    runCommands(instruction).flatMap((command): AptCommand[] => {
      const words = command.words.map((word) => word.value);
      const program = programWord(words);
      if (!APT.test(words[program] ?? '')) return [];
      const options: string[] = [];
      let actionWord = -1;
      const packages: string[] = [];
      for (let i = program + 1; i < words.length; i++) {
        const word = words[i]!;
        if (word.startsWith('-')) {
          const name = word.replace(/^--?/, '');
          options.push(word);
          if (APT_WITH_VALUE.has(name) && !word.includes('=')) i++;
        } else if (actionWord < 0) actionWord = i;
        else packages.push(word);
      }
      if (actionWord < 0) return [];
      const action =
        words[actionWord] === 'update' || words[actionWord] === 'install' ? words[actionWord] : 'other';
      return [
        {
          instruction,
          start: command.start,
          end: command.end,
          action: action as AptCommand['action'],
          packages,
          command,
          actionWord,
          options,
        },
      ];
    }),
  );
}

export interface PipEnvSetting {
  instruction: Instruction;
  name: string;
  /** Quotes removed; `$VAR` references kept as written. */
  value: string;
  /** The `NAME=value` word's offsets in args (all of args for the legacy `ENV NAME value`). */
  start: number;
  end: number;
  legacy: boolean;
}

const PIP_SETTINGS = new Set([
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'PIP_TRUSTED_HOST',
  'PIP_FIND_LINKS',
  'PIP_NO_INDEX',
]);

/** ENV / ARG lines that set pip's index settings, in both `ENV K=V K2=V2` and legacy `ENV K V` forms. */
export function pipEnvSettings(dockerfile: Dockerfile): PipEnvSetting[] {
  const escape = dockerfile.escape;
  return dockerfile.instructions.flatMap((instruction): PipEnvSetting[] => {
    if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') return [];
    const words = dockerWords(instruction.args, escape);
    const first = words[0];
    if (!first) return [];
    if (instruction.keyword === 'ENV' && !first.text.includes('=')) {
      if (!PIP_SETTINGS.has(first.text)) return [];
      const value = expandWord(instruction.args.slice(first.end).trim(), null, escape);
      return [{ instruction, name: first.text, value, start: 0, end: instruction.args.length, legacy: true }];
    }
    return words.flatMap((word) => {
      const eq = word.text.indexOf('=');
      const name = word.text.slice(0, eq);
      if (eq < 0 || !PIP_SETTINGS.has(name)) return [];
      const value = expandWord(word.text.slice(eq + 1), null, escape);
      return [{ instruction, name, value, start: word.start, end: word.end, legacy: false }];
    });
  });
}
