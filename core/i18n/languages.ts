export const LANGUAGES = ['en', 'fa'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Latin digits everywhere, or Persian (Extended Arabic-Indic) digits in Persian text. */
export const DIGITS = ['latn', 'persian'] as const;
export type Digits = (typeof DIGITS)[number];

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

export const directionOf = (language: Language): 'ltr' | 'rtl' => (language === 'fa' ? 'rtl' : 'ltr');

/**
 * The first of the user's preferred locales (BCP 47, as navigator.languages or the OS give them)
 * that we have, by its primary subtag; English when none matches.
 */
export function pickLanguage(locales: readonly (string | undefined)[]): Language {
  for (const locale of locales) {
    const primary = locale?.split(/[-_.@]/)[0]?.toLowerCase();
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

/** The locale a number is written in: Persian digits only when asked for and in Persian. */
export const numberLocale = (language: Language, digits: Digits): string =>
  language === 'fa' && digits === 'persian' ? 'fa-IR-u-nu-arabext' : `${language}-u-nu-latn`;
