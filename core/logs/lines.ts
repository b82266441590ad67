import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte or text stream into lines. A line cut across chunks (or a UTF-8 character cut
 * across chunks) is carried over to the next push; `flush` returns the unterminated rest.
 * `\r\n` endings lose their `\r`.
 */
export class LineSplitter {
  #decoder = new StringDecoder('utf8');
  #partial = '';

  push(chunk: Buffer | string): string[] {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    return parts.map(stripCr);
  }

  /** True while an unterminated line is waiting for its end. */
  get pending(): boolean {
    return this.#partial.length > 0;
  }

  /** Returns the unterminated last line, if any, and resets. */
  flush(): string | undefined {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    this.#decoder = new StringDecoder('utf8');
    return rest.length > 0 ? stripCr(rest) : undefined;
  }
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
