import { readFile } from 'node:fs/promises';
import type { ProxyConfig } from '../balancer/config';
import { ConfigError, ConfigReadError, type Diagnostic } from './errors';
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

/** What nginx's images put around a conf.d file: the http context it is included in. */
const CONF_D_PREFIX = 'events {} http { ';

/**
 * Parses a whole nginx.conf, or a file of conf.d (`upstream` and `server` blocks at its top
 * level, as nginx images include them inside `http`): what users hand over as "their nginx.conf".
 * Positions stay those of the file.
 */
export function parseAnyNginxConfig(text: string, file: string, options: ParseOptions = {}): ParseResult {
  try {
    return parseNginxConfig(text, file, options);
  } catch (error) {
    const confD =
      error instanceof ConfigError &&
      /^"(upstream|server|map|proxy_\w+|log_format)" directive is not allowed here$/.test(error.reason) &&
      !/^\s*http\s*\{/m.test(text);
    if (!confD) throw error;
    try {
      // On the file's first line, so that every line keeps its number; only line 1's columns shift.
      return parseNginxConfig(`${CONF_D_PREFIX}${text}\n}\n`, file, options);
    } catch (inner) {
      if (inner instanceof ConfigError && inner.file === file && inner.line === 1) {
        throw new ConfigError(
          { file, line: 1, col: Math.max(1, inner.col - CONF_D_PREFIX.length) },
          inner.reason,
        );
      }
      throw inner;
    }
  }
}
