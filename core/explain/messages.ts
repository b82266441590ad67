import en from './messages/en.json';
import fa from './messages/fa.json';
import { DOC_PAGES, type DocPage, type ExplanationId } from './doc-pages';

export const EXPLANATION_LANGUAGES = ['en', 'fa'] as const;
export type ExplanationLanguage = (typeof EXPLANATION_LANGUAGES)[number];

/** One entry of a message file: kept as plain data so that an i18n library can take the files over. */
export interface ExplanationText {
  summary: string;
  text: string;
  /** Where the lab behaves differently from nginx or Docker. */
  lab?: string;
}

export interface Explanation extends ExplanationText {
  id: ExplanationId;
  language: ExplanationLanguage;
  doc: DocPage;
}

export const MESSAGES: Record<ExplanationLanguage, Record<string, ExplanationText>> = { en, fa };

/** The entry in that language; English when the language lacks it (the tests make sure none does). */
export function explanationOf(id: ExplanationId, language: ExplanationLanguage): Explanation {
  const text = MESSAGES[language][id] ?? MESSAGES.en[id];
  if (!text) throw new Error(`no explanation for ${id}`);
  return { id, language, doc: DOC_PAGES[id], ...text };
}
