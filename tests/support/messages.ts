import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A message file as data, for asserting what the page shows (Playwright's loader takes no JSON imports). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function messages(language: 'en' | 'fa', namespace: string): any {
  const file = join(import.meta.dirname, '../../core/i18n/messages', language, `${namespace}.json`);
  return JSON.parse(readFileSync(file, 'utf8'));
}
