import { readFile } from 'node:fs/promises';
import type { ProxyConfig } from '../balancer/config';
import { ConfigReadError, type Diagnostic } from './errors';
import { expandIncludes, type IncludeReader } from './include';
import { fileIncludeReader } from './include-files';
import { Interpretation, type SourceMap } from './interpretation';
import { interpretMainContext } from './main-context';
import { parseDirectives } from './parse';

export interface ParseResult {
  config: ProxyConfig;
  /** Everything that was accepted but not (fully) acted on, in file order. */
  warnings: Diagnostic[];
  /** Config path (`upstreams[0].servers[1]`) → where it was written. */
  sourceMap: SourceMap;
}

export interface ParseOptions {
  /** How `include` directives are read; without one they are reported as ignored. */
  readInclude?: IncludeReader;
}

/**
 * Parses an nginx.conf into the balancer's ProxyConfig. `file` is only used in messages.
 * Throws ConfigError (`FILE:LINE:COL: reason`) for anything nginx or upstream-lab refuses.
 */
export function parseNginxConfig(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const interpretation = new Interpretation();
  const items = expandIncludes(parseDirectives(text, file), options.readInclude, interpretation.warnings);
  const config = interpretMainContext(items, file, interpretation);
  return {
    config,
    warnings: inFileOrder(interpretation.warnings, file),
    sourceMap: interpretation.sourceMap,
  };
}

/** The main file first, then included files in the order they were read; by line within a file. */
function inFileOrder(warnings: Diagnostic[], mainFile: string): Diagnostic[] {
  const files = [mainFile, ...new Set(warnings.map((warning) => warning.file))];
  const rank = (warning: Diagnostic): number => files.indexOf(warning.file);
  return [...warnings].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.col - b.col);
}

/** Reads and parses an nginx.conf from disk; relative `include`s are read from its directory. */
export async function loadNginxConfig(path: string): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigReadError(path, describeReadError(error));
  }
  return parseNginxConfig(text, path, { readInclude: fileIncludeReader(path) });
}

function describeReadError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
