import type { SourceAt } from './errors';

/** Where a value sits in the compose document: `['services', 'web', 'ports', 0]`. */
export type Path = readonly (string | number)[];

/** The JSON pointer of a path, spelled as ajv spells `instancePath`. */
export function pointer(path: Path): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** `services.web.ports[0]`, for messages. */
export function dotted(path: Path): string {
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i ? `.${segment}` : segment))
    .join('');
}

/** Positions of every key and value of the document, by path. */
export class SourceMap {
  private readonly keys = new Map<string, SourceAt>();
  private readonly values = new Map<string, SourceAt>();

  constructor(private readonly documentAt: SourceAt) {}

  setKey(path: Path, at: SourceAt): void {
    this.keys.set(pointer(path), at);
  }

  setValue(path: Path, at: SourceAt): void {
    this.values.set(pointer(path), at);
  }

  /** Where the value at `path` is written, else its nearest ancestor. */
  value(path: Path): SourceAt {
    for (let end = path.length; end > 0; end--) {
      const at = this.values.get(pointer(path.slice(0, end)));
      if (at) return at;
    }
    return this.values.get('') ?? this.documentAt;
  }

  /** Where the key of `path` is written (a list item has none: its value). */
  key(path: Path): SourceAt {
    return this.keys.get(pointer(path)) ?? this.value(path);
  }
}
