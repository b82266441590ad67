import type { SourcePosition } from './errors';
import type { WordToken } from './tokens';

/** `name args... ;` or `name args... { ... }` as written, before any meaning is given to it. */
export interface Directive {
  kind: 'directive';
  name: string;
  at: SourcePosition;
  args: WordToken[];
  /** Present iff the directive opened a block. */
  block?: BlockItem[];
  /** Where the terminating `;` or the opening `{` is. */
  end: SourcePosition;
}

/** `# upstream-lab: word...`: upstream-lab's own syntax, carried in a comment nginx ignores. */
export interface LabComment {
  kind: 'lab-comment';
  at: SourcePosition;
  words: WordToken[];
}

export type BlockItem = Directive | LabComment;
