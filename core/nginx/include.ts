import type { BlockItem, Directive } from './ast';
import { ConfigError, type Diagnostic } from './errors';
import { parseDirectives } from './parse';

export interface IncludedFile {
  path: string;
  text: string;
}

/**
 * Finds the files an `include` names, relative to the including file, in the order nginx reads
 * them. Returns undefined when nothing could be read (the include is then reported as ignored).
 */
export type IncludeReader = (pattern: string, includingFile: string) => IncludedFile[] | undefined;

const MAX_INCLUDE_DEPTH = 16;

/** Replaces every `include FILE;` by the directives of the file(s) it names, at any depth. */
export function expandIncludes(
  items: BlockItem[],
  readInclude: IncludeReader | undefined,
  warnings: Diagnostic[],
  depth = 0,
): BlockItem[] {
  const expanded: BlockItem[] = [];
  for (const item of items) {
    if (item.kind !== 'directive') {
      expanded.push(item);
    } else if (item.name === 'include') {
      expanded.push(...includeFiles(item, readInclude, warnings, depth));
    } else if (item.block) {
      expanded.push({ ...item, block: expandIncludes(item.block, readInclude, warnings, depth) });
    } else {
      expanded.push(item);
    }
  }
  return expanded;
}

function includeFiles(
  directive: Directive,
  readInclude: IncludeReader | undefined,
  warnings: Diagnostic[],
  depth: number,
): BlockItem[] {
  if (directive.block) throw new ConfigError(directive.end, 'directive "include" is not terminated by ";"');
  const [pattern, ...extra] = directive.args;
  if (!pattern || extra.length > 0) {
    throw new ConfigError(directive.at, 'invalid number of arguments in "include" directive');
  }
  const harmless = /(^|\/)mime\.types$/.test(pattern.value);
  const files = readInclude?.(pattern.value, directive.at.file);
  if (!files) {
    const why = readInclude ? 'no such file' : 'included files are only read when loading from disk';
    warnings.push({
      ...directive.at,
      kind: harmless ? 'no-effect' : 'ignored',
      message: `ignored directive "include" ("${pattern.value}": ${why})`,
    });
    return [];
  }
  if (depth >= MAX_INCLUDE_DEPTH) {
    throw new ConfigError(directive.at, `includes nested deeper than ${MAX_INCLUDE_DEPTH} levels (a cycle?)`);
  }
  return files.flatMap((file) =>
    expandIncludes(parseDirectives(file.text, file.path), readInclude, warnings, depth + 1),
  );
}
