/** The longest message line taken (a config import is at most 1 MB of text, escaped). */
const MAX_LINE = 4 * 1024 * 1024;

/** Splits a byte stream into lines; one past MAX_LINE is refused once and nothing more is read. */
export class LineReader {
  private buffered = '';
  private refused = false;

  constructor(private readonly refuse: (why: string) => void) {}

  push(chunk: Buffer): string[] {
    if (this.refused) return [];
    this.buffered += chunk.toString('utf8');
    const lines = this.buffered.split('\n');
    this.buffered = lines.pop()!;
    if (this.buffered.length > MAX_LINE) {
      this.refused = true;
      this.refuse(`a message line over ${MAX_LINE} bytes`);
      return [];
    }
    return lines.filter((line) => line.trim() !== '');
  }
}
