import { createStore } from 'zustand/vanilla';
import type { ExplanationLanguage } from '../../../../core/explain/messages';

export interface SourcesState {
  /** The nginx.conf last imported through Lab setup, as the student wrote it. */
  imported: { file: string; text: string } | null;
  /** The explanations' language; local to them until the dashboard has a language setting. */
  language: ExplanationLanguage;
  setImported(imported: { file: string; text: string } | null): void;
  setLanguage(language: ExplanationLanguage): void;
}

export function createSourcesStore() {
  return createStore<SourcesState>()((set) => ({
    imported: null,
    language: 'en',
    setImported: (imported) => set({ imported }),
    setLanguage: (language) => set({ language }),
  }));
}
