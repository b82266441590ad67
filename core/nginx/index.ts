/** nginx.conf ⇄ ProxyConfig: parse (with warnings and positions), validate, write. */
export {
  parseNginxConfig,
  parseAnyNginxConfig,
  loadNginxConfig,
  type ParseResult,
  type ParseOptions,
} from './load-config';
export { writeNginxConfig, type WriteOptions } from './write';
export {
  validateProxyConfig,
  assertValidProxyConfig,
  formatValidationIssue,
  InvalidProxyConfigError,
  type ValidationIssue,
  type ValidationResult,
} from './validate';
export { proxyConfigSchema } from './schema';
export {
  ConfigError,
  ConfigReadError,
  formatDiagnostic,
  formatPosition,
  type Diagnostic,
  type DiagnosticKind,
  type SourcePosition,
} from './errors';
export type { SourceMap } from './interpretation';
export type { IncludeReader, IncludedFile } from './include';
export { HEALTH_CHECK_DEFAULTS } from './health-check';
