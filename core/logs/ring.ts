/**
 * A bounded buffer that keeps the newest `capacity` items. Each item gets a sequence number so
 * a reader can ask for what arrived after the last one it saw, even after older items dropped.
 */
export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #size = 0;
  #nextSeq = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#items = new Array<T | undefined>(capacity);
  }

  /** Adds an item, dropping the oldest when full; returns the item's sequence number. */
  push(item: T): number {
    const end = (this.#start + this.#size) % this.capacity;
    this.#items[end] = item;
    if (this.#size < this.capacity) this.#size++;
    else this.#start = (this.#start + 1) % this.capacity;
    return this.#nextSeq++;
  }

  get size(): number {
    return this.#size;
  }

  /** Items ever pushed, including dropped and cleared ones. */
  get total(): number {
    return this.#nextSeq;
  }

  /** Items pushed but no longer kept. */
  get dropped(): number {
    return this.#nextSeq - this.#size;
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.after(-1);
  }

  /** The kept items whose sequence number is greater than `seq`, oldest first. */
  after(seq: number): T[] {
    const firstSeq = this.#nextSeq - this.#size;
    const skip = Math.max(0, Math.min(this.#size, seq + 1 - firstSeq));
    const out: T[] = [];
    for (let i = skip; i < this.#size; i++) out.push(this.#items[(this.#start + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#start = 0;
    this.#size = 0;
    // Sequence numbers keep counting, so a reader's `after(seq)` stays right across a clear.
  }
}
