import { createStore } from 'zustand/vanilla';
import type { ExplanationLanguage } from '../../../../core/explain/messages';

export interface SourcesState {
  /** The nginx.conf last imported through Lab setup, as the student wrote it. */
  imported: { file: string; text: string } | null;
  /** The explanations' own language when the reader picked one there; null: the page's language. */
  language: ExplanationLanguage | null;
  setImported(imported: { file: string; text: string } | null): void;
  setLanguage(language: ExplanationLanguage | null): void;
}

export function createSourcesStore() {
  return createStore<SourcesState>()((set) => ({
    imported: null,
    language: null,
    setImported: (imported) => set({ imported }),
    setLanguage: (language) => set({ language }),
  }));
}
