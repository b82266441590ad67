import i18next, { type TFunction } from 'i18next';
import { type Digits, type Language, numberLocale } from './languages';
import { NAMESPACES, RESOURCES } from './resources';

export * from './languages';
export { NAMESPACES, RESOURCES, type Namespace } from './resources';

/** `t('ns:key.path', { name: value })`; `count` picks the plural form (`key_one`, `key_other`). */
export type Translate = (key: string, values?: Record<string, unknown>) => string;

export interface Translator {
  language: Language;
  digits: Digits;
  t: Translate;
  /** A number in the chosen digits ("۱٬۲۳۴" or "1,234"). */
  number: (value: number, options?: Intl.NumberFormatOptions) => string;
  /** An already formatted figure ("12.5 ms", "3/3") with its digits in the chosen ones. */
  figure: (text: string) => string;
}

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

const translators = new Map<string, Translator>();

/** One translator per language and digits, made once: resources are bundled, so this never fetches. */
export function translator(language: Language, digits: Digits = 'latn'): Translator {
  const id = `${language}/${digits}`;
  let made = translators.get(id);
  if (!made) translators.set(id, (made = makeTranslator(language, digits)));
  return made;
}

function makeTranslator(language: Language, digits: Digits): Translator {
  const locale = numberLocale(language, digits);
  const formats = new Map<string, Intl.NumberFormat>();
  const number = (value: number, options: Intl.NumberFormatOptions = {}): string => {
    const key = JSON.stringify(options);
    let format = formats.get(key);
    if (!format)
      formats.set(key, (format = new Intl.NumberFormat(locale, { useGrouping: false, ...options })));
    return format.format(value);
  };
  const rtl = language === 'fa';
  const isolate = (text: string): string => (rtl ? `\u2068${text}\u2069` : text);
  const instance = i18next.createInstance();
  void instance.init({
    lng: language,
    fallbackLng: 'en',
    resources: RESOURCES as unknown as Record<string, Record<string, object>>,
    ns: NAMESPACES,
    defaultNS: 'common',
    initAsync: false,
    returnNull: false,
    interpolation: {
      // Output goes to text nodes, a terminal or an escaping report writer, never to raw HTML.
      escapeValue: false,
    },
  } as Parameters<typeof instance.init>[0]);
  const t = instance.t as TFunction;
  const figure = locale.includes('arabext')
    ? (text: string) => text.replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)] ?? d).replace(/\./g, '٫')
    : (text: string) => text;
  // Every inserted number (a count too) is written in the chosen digits; in right-to-left text an
  // inserted name, address or figure ("backend2", "6.1 ms") is isolated (FSI…PDI), so the bidi
  // algorithm cannot reorder it with its neighbours. `count` still picks the plural form: the
  // shown values go in `replace`, which i18next interpolates instead of the options.
  const shown = (value: unknown): unknown =>
    typeof value === 'number'
      ? isolate(number(value))
      : typeof value === 'string' && /[A-Za-z0-9]/.test(value)
        ? isolate(value)
        : value;
  const translate: Translate = (key, values) => {
    if (!values) return t(key) as unknown as string;
    const replace = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, shown(value)]));
    const plural = typeof values.count === 'number' ? { count: values.count } : {};
    return t(key, { ...plural, replace } as never) as unknown as string;
  };
  return {
    language,
    digits,
    t: translate,
    number,
    figure,
  };
}
