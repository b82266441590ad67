// Every namespace's message files, one import per language and namespace. A namespace is a file
// under messages/<language>/; tests/i18n checks that both languages have the same keys.
import enCommon from './messages/en/common.json';
import faCommon from './messages/fa/common.json';

export const RESOURCES = {
  en: { common: enCommon },
  fa: { common: faCommon },
} as const;

export type Namespace = keyof (typeof RESOURCES)['en'];
export const NAMESPACES = Object.keys(RESOURCES.en) as Namespace[];
