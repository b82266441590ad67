import type { Readable } from 'svelte/store';
import { directionOf, translator, type Translator } from '../../../core/i18n';
import { toSvelte, type Stores } from './stores';

/**
 * The page's translator as a Svelte store: `$tr.t('ui:key')`, `$tr.number(n)`. It changes when the
 * language or the digits do, so every text written through it follows the switch.
 */
export const translatorStore = (stores: Stores): Readable<Translator> =>
  toSvelte(stores.locale, (s) => translator(s.language, s.digits));

/** Sets `<html lang dir>` from the locale, now and on every change. */
export function followLocale(stores: Stores, root: HTMLElement): () => void {
  const apply = ({ language }: { language: 'en' | 'fa' }) => {
    root.lang = language;
    root.dir = directionOf(language);
  };
  apply(stores.locale.getState());
  return stores.locale.subscribe(apply);
}
