import type { Translator } from '../../../core/i18n';

/**
 * `tr.t(key, values)` with the values' numbers written in the translator's digits first: i18next's
 * built-in formatter takes the place of the interpolation `format` option, so numbers would
 * otherwise come out in Latin digits. `count` stays a number (it picks the plural form); a plural
 * message shows its number as another variable (`{ count: n, n }`).
 */
export function translate(tr: Translator, key: string, values?: Record<string, unknown>): string {
  if (!values) return tr.t(key);
  const shown: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values))
    shown[name] = typeof value === 'number' && name !== 'count' ? tr.number(value) : value;
  return tr.t(key, shown);
}
