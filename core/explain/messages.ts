import { RESOURCES } from '../i18n/resources';
import { DOC_PAGES, type DocPage, type ExplanationId } from './doc-pages';

export const EXPLANATION_LANGUAGES = ['en', 'fa'] as const;
export type ExplanationLanguage = (typeof EXPLANATION_LANGUAGES)[number];

/** One entry of the `explain` namespace's message files (core/i18n/messages/{en,fa}/explain.json). */
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

export const MESSAGES: Record<ExplanationLanguage, Record<string, ExplanationText>> = {
  en: RESOURCES.en.explain,
  fa: RESOURCES.fa.explain,
};

/** The entry in that language; English when the language lacks it (the tests make sure none does). */
export function explanationOf(id: ExplanationId, language: ExplanationLanguage): Explanation {
  const text = MESSAGES[language][id] ?? MESSAGES.en[id];
  if (!text) throw new Error(`no explanation for ${id}`);
  return { id, language, doc: DOC_PAGES[id], ...text };
}
