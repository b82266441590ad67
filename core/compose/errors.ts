/** A place in a file. Lines and columns are 1-based; columns count UTF-16 code units. */
export interface SourceAt {
  file: string;
  line: number;
  col: number;
}

/** Something to tell the user about a place in a file. */
export interface Diagnostic {
  at: SourceAt;
  message: string;
}

export function formatAt(at: SourceAt): string {
  return `${at.file}:${at.line}:${at.col}`;
}

/** `FILE:LINE:COL: message`. */
export function formatDiagnostic({ at, message }: Diagnostic): string {
  return `${formatAt(at)}: ${message}`;
}

/** A compose (or env) file Compose would refuse, or one the lab cannot run. Reads `FILE:LINE:COL: reason`. */
export class ComposeError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;

  constructor(
    at: SourceAt,
    readonly reason: string,
    /** Further problems found with this one (schema validation), each `FILE:LINE:COL: reason`. */
    readonly more: readonly string[] = [],
  ) {
    super(`${formatAt(at)}: ${reason}`);
    this.name = 'ComposeError';
    this.file = at.file;
    this.line = at.line;
    this.col = at.col;
  }
}

/** A file that could not be read at all: a missing --compose or --env-file, a folder without a compose file. */
export class ComposeReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot read "${file}": ${reason}`);
    this.name = 'ComposeReadError';
  }
}

export function describeReadError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
