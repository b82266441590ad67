import type { SourcePosition } from './errors';

/** A directive name or argument. `value` has quotes removed and nginx escapes applied. */
export interface WordToken {
  type: 'word';
  value: string;
  quoted: boolean;
  at: SourcePosition;
}

export interface PunctuationToken {
  type: ';' | '{' | '}';
  at: SourcePosition;
}

/** `# upstream-lab: ...`: a structured comment; its body is lexed into words. */
export interface LabCommentToken {
  type: 'lab-comment';
  words: WordToken[];
  at: SourcePosition;
}

export interface EndOfFileToken {
  type: 'eof';
  at: SourcePosition;
}

export type Token = WordToken | PunctuationToken | LabCommentToken | EndOfFileToken;

/** The prefix that turns a comment into an upstream-lab directive (see docs/nginx-config.md). */
export const LAB_COMMENT_PREFIX = 'upstream-lab:';
