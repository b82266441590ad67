/** A place in a config file. Lines and columns are 1-based; columns count UTF-16 code units. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/**
 * Why a warning was raised. `no-effect`: the directive is fine but does not influence balancing
 * (events, sendfile, access_log...). `ignored`: unknown to upstream-lab, dropped. `unsupported`: nginx
 * would act on it but upstream-lab cannot (regex locations, if blocks). `nginx-plus`: nginx Plus
 * syntax that nginx OSS rejects; applied anyway. `nginx`: a warning nginx itself prints.
 */
export type DiagnosticKind = 'no-effect' | 'ignored' | 'unsupported' | 'nginx-plus' | 'nginx';

export interface Diagnostic extends SourcePosition {
  kind: DiagnosticKind;
  message: string;
}

export function formatPosition(at: SourcePosition): string {
  return `${at.file}:${at.line}:${at.col}`;
}

export function formatDiagnostic(diagnostic: Diagnostic): string {
  return `${formatPosition(diagnostic)}: ${diagnostic.message}`;
}

/** A config that nginx (or upstream-lab) would refuse. The message reads `FILE:LINE:COL: reason`. */
export class ConfigError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;

  constructor(
    at: SourcePosition,
    readonly reason: string,
  ) {
    super(`${formatPosition(at)}: ${reason}`);
    this.name = 'ConfigError';
    this.file = at.file;
    this.line = at.line;
    this.col = at.col;
  }
}

/** The config file itself could not be read (missing, a directory, no permission). */
export class ConfigReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot read "${file}": ${reason}`);
    this.name = 'ConfigReadError';
  }
}
