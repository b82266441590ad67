import { createStore } from 'zustand/vanilla';

export type NoticeLevel = 'info' | 'warning' | 'error';

export interface Notice {
  id: number;
  level: NoticeLevel;
  message: string;
  time: number;
}

export interface NoticesState {
  notices: Notice[];
  push(level: NoticeLevel, message: string): void;
  dismiss(id: number): void;
}

const MAX_NOTICES = 5;
/** Info goes by itself; warnings and errors stay until dismissed (or pushed out by newer ones). */
const INFO_MS = 6000;

export function createNoticeStore() {
  let nextId = 1;
  return createStore<NoticesState>()((set, get) => ({
    notices: [],
    push(level, message) {
      const id = nextId++;
      // The same message again replaces the older copy instead of stacking up — also when one copy
      // is a command's failure (`lab.start: …`) and the other the core's notice of the same error.
      const same = gist(message);
      const others = get().notices.filter((n) => gist(n.message) !== same);
      set({ notices: [...others, { id, level, message, time: Date.now() }].slice(-MAX_NOTICES) });
      if (level === 'info') setTimeout(() => get().dismiss(id), INFO_MS);
    },
    dismiss(id) {
      set({ notices: get().notices.filter((n) => n.id !== id) });
    },
  }));
}

/** A message without the `command.name: ` a failed command's toast starts with. */
const gist = (message: string): string => message.replace(/^[a-z]+\.[a-z]+: /, '');

export type NoticeStore = ReturnType<typeof createNoticeStore>;
