import { isLanguage, LANGUAGES, pickLanguage, translator, type Language, type Translator } from '../i18n';
import { CliError } from './errors';
import { USAGE_EXIT } from './lab-options';

let chosen: Language | null = null;
let explicit = false;

/**
 * The CLI's language: `--lang`, else UPSTREAM_LAB_LANG, else the POSIX locale (LC_ALL, LC_MESSAGES,
 * LANG, in that order, as gettext reads them); English when none names a language we have.
 */
export function chooseCliLanguage(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Language {
  if (flag !== undefined && !isLanguage(flag))
    throw new CliError(`--lang ${flag}: the languages are ${LANGUAGES.join(', ')}`, USAGE_EXIT);
  const asked = flag ?? (env.UPSTREAM_LAB_LANG || undefined);
  if (asked !== undefined && !isLanguage(asked))
    throw new CliError(`UPSTREAM_LAB_LANG=${asked}: the languages are ${LANGUAGES.join(', ')}`, USAGE_EXIT);
  explicit = asked !== undefined;
  chosen =
    asked ?? pickLanguage([env.LC_ALL || undefined, env.LC_MESSAGES || undefined, env.LANG || undefined]);
  return chosen;
}

/** The translator for the CLI's messages (English until a command line chose otherwise). */
export const cli = (): Translator => translator(chosen ?? 'en');

/** The language the user asked for by name (flag or variable), which the dashboard is opened in too. */
export const askedLanguage = (): Language | null => (explicit ? chosen : null);
