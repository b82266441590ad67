/** Counts by key; `toRecord` gives the plain object the samples and the summary carry. */
export class Counter<K extends string | number = string> {
  readonly #counts = new Map<K, number>();

  add(key: K, by = 1): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + by);
  }

  get size(): number {
    return this.#counts.size;
  }

  clear(): void {
    this.#counts.clear();
  }

  toRecord(): Record<string, number> {
    const record: Record<string, number> = {};
    for (const [key, count] of this.#counts) record[String(key)] = count;
    return record;
  }
}
