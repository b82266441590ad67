import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ComposeError, type Diagnostic, type SourceAt } from './errors';
import { SourceMap, type Path } from './source-map';

/** What a string scalar becomes (interpolated, maybe cast); it may throw a ComposeError. */
export type StringValue = (text: string, path: Path, at: SourceAt) => unknown;

export interface ComposeTree {
  /** The document as plain data (every key an own property: read them with Object.hasOwn). */
  data: unknown;
  map: SourceMap;
  /** The YAML parser's warnings (unresolved tags...). */
  warnings: Diagnostic[];
}

/** After alias and merge expansion; a compose file is a few hundred nodes, a "billion laughs" is not. */
const MAX_NODES = 100_000;

/**
 * Parses a compose file into plain data and a map of positions, expanding aliases and `<<` merge
 * keys (explicit keys win, then earlier merged maps) and passing each string value to `stringValue`.
 * YAML errors and duplicate keys are ComposeErrors at their position.
 */
export function parseComposeYaml(text: string, file: string, stringValue: StringValue): ComposeTree {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): SourceAt => ({ file, ...lineCounter.linePos(offset) });
  const [error] = doc.errors;
  if (error) throw new ComposeError(at(error.pos[0]), error.message);
  const warnings = doc.warnings.map((warning) => ({ at: at(warning.pos[0]), message: warning.message }));
  const builder = new TreeBuilder(doc, at, stringValue, new SourceMap(at(0)));
  const data = builder.node(doc.contents, [], at(0));
  return { data, map: builder.map, warnings };
}

class TreeBuilder {
  private nodes = 0;
  /** Aliased nodes being expanded, to refuse an alias inside its own anchor. */
  private readonly expanding = new Set<Node>();

  constructor(
    private readonly doc: Document,
    private readonly at: (offset: number) => SourceAt,
    private readonly stringValue: StringValue,
    readonly map: SourceMap,
  ) {}

  /** `fallback` is where an absent or empty value is (its key). */
  node(node: unknown, path: Path, fallback: SourceAt): unknown {
    if (++this.nodes > MAX_NODES)
      throw new ComposeError(fallback, `more than ${MAX_NODES} values once aliases are expanded`);
    if (!node) {
      this.map.setValue(path, fallback);
      return null;
    }
    const at = this.positionOf(node, fallback);
    this.map.setValue(path, at);
    if (isAlias(node)) return this.alias(node.resolve(this.doc), path, at);
    if (isScalar(node)) return this.scalar(node.value, path, at);
    if (isSeq(node)) return node.items.map((item, i) => this.node(item, [...path, i], at));
    if (isMap(node)) return this.mapping(node.items, path, at);
    throw new ComposeError(at, 'unsupported YAML node');
  }

  private positionOf(node: object, fallback: SourceAt): SourceAt {
    const range = 'range' in node && Array.isArray(node.range) ? (node.range as number[]) : undefined;
    const [start, end] = range ?? [];
    if (start === undefined || (start === end && isScalar(node) && node.value === null)) return fallback;
    return this.at(start);
  }

  private alias(target: Node | undefined, path: Path, at: SourceAt): unknown {
    if (!target) throw new ComposeError(at, 'the alias names no anchor');
    if (this.expanding.has(target)) throw new ComposeError(at, 'the alias is inside its own anchor');
    this.expanding.add(target);
    const value = this.node(target, path, at);
    this.expanding.delete(target);
    this.map.setValue(path, at);
    return value;
  }

  private scalar(value: unknown, path: Path, at: SourceAt): unknown {
    if (typeof value === 'string') return this.stringValue(value, path, at);
    if (typeof value === 'bigint') return Number(value);
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
    throw new ComposeError(at, 'unsupported YAML value (a binary or other tagged scalar)');
  }

  private mapping(pairs: Array<{ key: unknown; value: unknown }>, path: Path, at: SourceAt): unknown {
    const result = new Map<string, unknown>();
    const explicit = pairs.filter((pair) => !isMergeKey(pair.key));
    // Merged maps first, the last one first, so that earlier ones and then explicit keys overwrite them.
    const merged = pairs
      .filter((pair) => isMergeKey(pair.key))
      .flatMap((pair) => this.mergeSources(pair.value, at));
    for (const source of merged.reverse()) {
      for (const [key, value] of Object.entries(this.node(source, path, at) as object))
        result.set(key, value);
    }
    const seen = new Map<string, SourceAt>();
    for (const pair of explicit) {
      const keyAt = this.positionOf(pair.key ?? {}, at);
      const key = this.keyOf(pair.key, keyAt);
      const first = seen.get(key);
      if (first) throw new ComposeError(keyAt, `mapping key "${key}" already defined at line ${first.line}`);
      seen.set(key, keyAt);
      this.map.setKey([...path, key], keyAt);
      result.set(key, this.node(pair.value, [...path, key], keyAt));
    }
    this.map.setValue(path, at);
    // fromEntries defines each key as its own property: a "__proto__" key is a key like any other.
    return Object.fromEntries(result);
  }

  /** The maps (or aliases of maps) a `<<` key merges. */
  private mergeSources(value: unknown, at: SourceAt): unknown[] {
    const sources = isSeq(value) ? value.items : [value];
    for (const source of sources) {
      if (!isMap(isAlias(source) ? source.resolve(this.doc) : source))
        throw new ComposeError(at, 'a "<<" merge key takes a mapping or a list of mappings');
    }
    return sources;
  }

  private keyOf(key: unknown, at: SourceAt): string {
    const node = isAlias(key) ? key.resolve(this.doc) : key;
    const value: unknown = isScalar(node) ? node.value : node === null ? null : undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return String(value);
    throw new ComposeError(at, value === null ? 'a key is missing' : 'a key must be a string');
  }
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.type === 'PLAIN' && key.value === '<<';
}
