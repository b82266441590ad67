import type { Directive } from './ast';
import type { Diagnostic, DiagnosticKind, SourcePosition } from './errors';
import { hasNoEffect } from './known-directives';

/**
 * Where each part of a parsed ProxyConfig came from, keyed by its path in the config:
 * `upstreams[0]`, `upstreams[0].servers[2]`, `servers[1].listen[0]`, `servers[0].locations[1].proxy`.
 * Validation issues use the same paths, so they can be traced back to a line.
 */
export type SourceMap = Record<string, SourcePosition>;

/** The warnings and source positions collected while turning directives into a ProxyConfig. */
export class Interpretation {
  readonly warnings: Diagnostic[] = [];
  readonly sourceMap: SourceMap = {};

  warn(at: SourcePosition, kind: DiagnosticKind, message: string): void {
    this.warnings.push({ ...at, kind, message });
  }

  /** Reports a directive upstream-lab does not act on. */
  ignore(directive: Directive): void {
    const noEffect = hasNoEffect(directive.name);
    this.warn(
      directive.at,
      noEffect ? 'no-effect' : 'ignored',
      `ignored directive "${directive.name}"${noEffect ? ' (no effect on balancing)' : ''}`,
    );
  }

  /** Reports something nginx would act on but upstream-lab cannot. */
  unsupported(at: SourcePosition, message: string): void {
    this.warn(at, 'unsupported', message);
  }

  map(path: string, at: SourcePosition): void {
    this.sourceMap[path] = at;
  }
}
