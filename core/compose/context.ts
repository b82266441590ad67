import { ComposeError, type Diagnostic, type SourceAt } from './errors';
import type { Lookup } from './interpolate';
import { dotted, type Path, type SourceMap } from './source-map';

/** What normalizing a validated document needs: where things are, the variables, and the warnings so far. */
export class ComposeContext {
  readonly warnings: Diagnostic[] = [];
  /** Top-level volume names, once read. */
  readonly volumes = new Set<string>();

  constructor(
    /** The compose file. */
    readonly file: string,
    /** Its folder: relative paths start here. */
    readonly dir: string,
    readonly map: SourceMap,
    readonly lookup: Lookup,
  ) {}

  keyAt(path: Path): SourceAt {
    return this.map.key(path);
  }

  valueAt(path: Path): SourceAt {
    return this.map.value(path);
  }

  warn(at: SourceAt, message: string): void {
    this.warnings.push({ at, message });
  }

  /** A warning at the key of `path`: it is read but not acted on. */
  ignored(path: Path, why = 'upstream-lab does not act on it'): void {
    this.warn(this.keyAt(path), `${dotted(path)} is ignored: ${why}`);
  }

  /** A ComposeError at the value of `path`, its reason prefixed with the path. */
  error(path: Path, reason: string): ComposeError {
    return new ComposeError(this.valueAt(path), `${dotted(path)}: ${reason}`);
  }
}
