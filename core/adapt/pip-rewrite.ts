import { insertAfter, removeWords, replaceWithTrue, replaceWord, type RawEdit } from './command-edits';
import type { Instruction } from './dockerfile';
import { dockerWords } from './dockerfile-words';
import type { PipOption } from './pip-args';
import type { PipCommand, PipEnvSetting } from './shell-commands';

export type PipPlan =
  /** Every index (options, PIP_INDEX_URL) becomes this one; extra indexes are dropped. */
  | { kind: 'mirror'; indexUrl: string }
  /**
   * No index: `--no-index` (and `--find-links DIR`), a self-upgrade of pip a no-op, PIP_NO_INDEX=1.
   * `noBuildIsolation`: sdists and local projects build with the image's setuptools, since an
   * isolated build would fetch its backend from an index.
   */
  | {
      kind: 'offline';
      findLinks?: string;
      noBuildIsolation?: boolean;
      /** Packages named on the command line (as written) that Debian meets: left out of the command. */
      met?: ReadonlySet<string>;
    };

/** What to do to one instruction; `remove` deletes it whole. */
export interface InstructionChange {
  edits: RawEdit[];
  reason: string;
  remove?: boolean;
}

const INDEX_OPTIONS = new Set(['index-url', 'extra-index-url', 'trusted-host']);
const isUrl = (value: string | undefined): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(value ?? '');

/** `https://mirror:8080/simple` → `mirror:8080` (what --trusted-host names). */
function hostOf(url: string): string {
  return url
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/^[^@]*@/, '');
}

/** The edits a pip command needs under `plan`, or null when it stays as written. */
export function pipCommandChange(command: PipCommand, plan: PipPlan): InstructionChange | null {
  if (command.noIndex) return null;
  return plan.kind === 'offline' ? offlineChange(command, plan) : mirrorChange(command, plan.indexUrl);
}

function offlineChange(
  command: PipCommand,
  { findLinks, noBuildIsolation, met }: Extract<PipPlan, { kind: 'offline' }>,
): InstructionChange {
  const run = command.command;
  if (command.selfUpgrade) {
    return {
      edits: [replaceWithTrue(run)],
      reason: `upgrading ${command.packages.join(' ')} needs an index: a no-op offline (the image's own pip is used)`,
    };
  }
  const optionWords = new Set(command.options.flatMap((o) => range(o.first, o.last)));
  const positional = range(command.subcommandWord + 1, run.words.length - 1).filter(
    (i) => !optionWords.has(i),
  );
  const metWords = positional.filter((i) => met?.has(run.words[i]!.value));
  const reads = command.requirementFiles.length + command.constraintFiles.length + command.editables.length;
  if (metWords.length > 0 && metWords.length === positional.length && reads === 0) {
    return {
      edits: [replaceWithTrue(run)],
      reason: `pip ${command.subcommand} ${metWords.map((i) => run.words[i]!.value).join(' ')}: Debian packages meet them offline`,
    };
  }
  const dropped = command.options.filter(
    (option) =>
      option.alone &&
      (INDEX_OPTIONS.has(option.name) || (option.name === 'find-links' && isUrl(option.value))),
  );
  const withoutIsolation = noBuildIsolation && !command.options.some((o) => o.name === 'no-build-isolation');
  const added = [
    '--no-index',
    ...(findLinks ? ['--find-links', findLinks] : []),
    ...(withoutIsolation ? ['--no-build-isolation'] : []),
  ];
  // `pip install /wheels/*` after a builder stage whose wheels all came from Debian: no files,
  // and pip would take the pattern for a requirement. Run it only when there is something.
  const glob =
    run.form === 'shell'
      ? positional.map((i) => run.words[i]!.value).find((w) => w.includes('*'))
      : undefined;
  const guard: RawEdit[] = glob
    ? [
        { from: run.from, to: run.from, text: `if ls ${glob} >/dev/null 2>&1; then ` },
        { from: run.to, to: run.to, text: '; fi' },
      ]
    : [];
  return {
    edits: [
      ...guard,
      insertAfter(run, command.subcommandWord, added),
      ...removeOptions(command, dropped),
      ...runsOf(metWords).map(([first, last]) => removeWords(run, first, last, command.instruction.raw)),
    ],
    reason:
      `pip ${command.subcommand} offline: ${added.join(' ')}${findLinks ? ' (the wheelhouse)' : ''}` +
      (command.indexUrl ? `, not the index ${command.indexUrl}` : '') +
      (metWords.length
        ? `; ${metWords.map((i) => run.words[i]!.value).join(' ')} met by Debian packages`
        : ''),
  };
}

function mirrorChange(command: PipCommand, mirror: string): InstructionChange | null {
  const edits: RawEdit[] = [];
  const dropped: PipOption[] = [];
  const host = hostOf(mirror);
  const http = mirror.startsWith('http://');
  const replacedHosts = new Set(
    command.options.filter((o) => o.name.endsWith('index-url') && o.value).map((o) => hostOf(o.value!)),
  );
  const indexes = command.options.filter((option) => option.name === 'index-url');
  for (const option of indexes) if (option.value !== mirror) edits.push(newValue(command, option, mirror));
  dropped.push(...command.options.filter((option) => option.name === 'extra-index-url' && option.alone));
  let trusted = false;
  for (const option of command.options.filter((o) => o.name === 'trusted-host' && o.alone)) {
    if (http && !trusted) {
      trusted = true;
      if (option.value !== host) edits.push(newValue(command, option, host));
    } else if (replacedHosts.has(option.value ?? '')) dropped.push(option);
  }
  // --trusted-host goes right after the index it is for.
  const added = [
    ...(indexes.length === 0 ? ['--index-url', mirror] : []),
    ...(http && !trusted ? ['--trusted-host', host] : []),
  ];
  const after = indexes.length === 0 ? command.subcommandWord : indexes[0]!.last;
  if (added.length > 0) edits.push(insertAfter(command.command, after, added));
  edits.push(...removeOptions(command, dropped));
  if (edits.length === 0) return null;
  const extras = command.extraIndexUrls;
  return {
    edits,
    reason:
      `pip ${command.subcommand} through the mirror ${mirror}` +
      (command.indexUrl && command.indexUrl !== mirror ? ` instead of ${command.indexUrl}` : '') +
      (extras.length > 0 ? `; extra index ${extras.join(', ')} dropped` : ''),
  };
}

/** The option's value written anew, in the form it was written (`-i URL`, `--index-url=URL`, `-iURL`). */
function newValue(command: PipCommand, option: PipOption, value: string): RawEdit {
  const run = command.command;
  if (option.valueForm === 'word') return replaceWord(run, option.last, value);
  const word = run.words[option.first]!.value;
  return replaceWord(run, option.first, word.slice(0, word.length - (option.value ?? '').length) + value);
}

/** Removes the options' words, contiguous runs at once so that the edits never overlap. */
function removeOptions(command: PipCommand, options: PipOption[]): RawEdit[] {
  const indexes = [...new Set(options.flatMap((o) => range(o.first, o.last)))];
  return runsOf(indexes).map(([first, last]) =>
    removeWords(command.command, first, last, command.instruction.raw),
  );
}

/** Word indexes as contiguous runs [first, last]. */
function runsOf(indexes: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const index of [...indexes].sort((a, b) => a - b)) {
    const run = runs.at(-1);
    if (run && run[1] === index - 1) run[1] = index;
    else runs.push([index, index]);
  }
  return runs;
}

const range = (first: number, last: number): number[] =>
  Array.from({ length: last - first + 1 }, (_, k) => first + k);

/** PIP_* settings of ENV / ARG under `plan`: by instruction, the edits and why. */
export function pipEnvChanges(
  settings: PipEnvSetting[],
  plan: PipPlan,
  escape: string,
): Map<Instruction, InstructionChange> {
  const changes = new Map<Instruction, InstructionChange>();
  const indexHosts = new Set(
    settings.filter((s) => s.name.endsWith('INDEX_URL')).map((s) => hostOf(s.value)),
  );
  for (const setting of settings) {
    const next = settingChange(setting, plan, indexHosts);
    if (!next) continue;
    const change = changes.get(setting.instruction) ?? { edits: [], reason: '' };
    change.reason = change.reason ? `${change.reason}; ${next.why}` : next.why;
    change.edits.push(
      next.text === null
        ? removeSetting(setting, escape)
        : argsEdit(setting.instruction, setting.start, setting.end, next.text),
    );
    changes.set(setting.instruction, change);
  }
  for (const [instruction, change] of changes) {
    const removed = change.edits.filter((edit) => edit.text === '').length;
    const legacy = settings.some((s) => s.instruction === instruction && s.legacy);
    if (removed > 0 && (legacy || removed === dockerWords(instruction.args, escape).length))
      change.remove = true;
  }
  return changes;
}

/** What a setting becomes: `NAME=value` anew, or null to drop it; undefined when it stays. */
function settingChange(
  { name, value }: PipEnvSetting,
  plan: PipPlan,
  indexHosts: ReadonlySet<string>,
): { text: string | null; why: string } | undefined {
  if (plan.kind === 'offline') {
    if (name === 'PIP_INDEX_URL') {
      return { text: 'PIP_NO_INDEX=1', why: `pip has no index offline: PIP_NO_INDEX=1 instead of ${value}` };
    }
    return name === 'PIP_EXTRA_INDEX_URL'
      ? { text: null, why: `${name} dropped: pip has no index offline` }
      : undefined;
  }
  const mirror = plan.indexUrl;
  const host = hostOf(mirror);
  if (name === 'PIP_INDEX_URL') {
    if (value === mirror) return undefined;
    return {
      text: `${name}=${dockerQuote(mirror)}`,
      why: `pip uses the mirror ${mirror} instead of ${value}`,
    };
  }
  if (name === 'PIP_EXTRA_INDEX_URL') return { text: null, why: `${name} dropped: pip uses the mirror only` };
  if (name !== 'PIP_TRUSTED_HOST') return undefined;
  if (mirror.startsWith('http://')) {
    return value === host
      ? undefined
      : { text: `${name}=${host}`, why: `${name}: the mirror is served over plain http` };
  }
  return indexHosts.has(value)
    ? { text: null, why: `${name} dropped: it named the index the mirror replaces` }
    : undefined;
}

function removeSetting(setting: PipEnvSetting, escape: string): RawEdit {
  const words = dockerWords(setting.instruction.args, escape);
  const index = words.findIndex((word) => word.start === setting.start);
  const next = words[index + 1];
  const previous = words[index - 1];
  if (next) return argsEdit(setting.instruction, setting.start, next.start, '');
  return argsEdit(setting.instruction, previous ? previous.end : setting.start, setting.end, '');
}

/** args.slice(start, end) replaced, as an edit of raw. */
function argsEdit(instruction: Instruction, start: number, end: number, text: string): RawEdit {
  const at = instruction.argsAt;
  return { from: at[start]!, to: end > start ? at[end - 1]! + 1 : at[start]!, text };
}

/** A value as ENV reads it back: in double quotes when it holds a space, a quote or a `$`. */
function dockerQuote(value: string): string {
  return /^[^\s"'$\\`]+$/.test(value) ? value : `"${value.replace(/["$\\`]/g, '\\$&')}"`;
}
