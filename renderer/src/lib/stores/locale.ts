import { createStore } from 'zustand/vanilla';
import {
  type Digits,
  DIGITS,
  type Language,
  isLanguage,
  pickLanguage,
} from '../../../../core/i18n/languages';

export interface LocaleState {
  language: Language;
  digits: Digits;
  setLanguage(language: Language): void;
  setDigits(digits: Digits): void;
}

const STORAGE_KEY = 'upstream-lab.locale';

interface Saved {
  language?: unknown;
  digits?: unknown;
}

function saved(storage: Storage | undefined): Saved {
  try {
    return (JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as Saved) ?? {};
  } catch {
    return {};
  }
}

/**
 * The dashboard's language: the page's `?lang=` (what `--lang` opens), else the choice saved in
 * this browser, else the browser's (the OS's, in Electron) preferred languages.
 */
export function initialLocale(
  search: string,
  languages: readonly string[],
  storage: Storage | undefined,
): { language: Language; digits: Digits } {
  const asked = new URLSearchParams(search).get('lang');
  const kept = saved(storage);
  const language = isLanguage(asked)
    ? asked
    : isLanguage(kept.language)
      ? kept.language
      : pickLanguage(languages);
  const digits = (DIGITS as readonly unknown[]).includes(kept.digits) ? (kept.digits as Digits) : 'latn';
  return { language, digits };
}

export function createLocaleStore(initial: { language: Language; digits: Digits }, storage?: Storage) {
  const store = createStore<LocaleState>()((set) => ({
    ...initial,
    setLanguage: (language) => set({ language }),
    setDigits: (digits) => set({ digits }),
  }));
  store.subscribe(({ language, digits }) => {
    try {
      storage?.setItem(STORAGE_KEY, JSON.stringify({ language, digits }));
    } catch {
      // Storage may be full or disabled; the choice then lasts for this page only.
    }
  });
  return store;
}
