import { LineSplitter } from '../logs/lines';

export interface AssembledLine {
  /** The Docker timestamp of the frame the line started in ('' when timestamps are off). */
  time: string;
  line: string;
}

// Docker prefixes every log message with `2024-05-01T10:00:00.123456789Z ` when asked for
// timestamps, including each piece of a line it split at 16 KB.
const TIMESTAMP = /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d) /;

/**
 * Turns the payloads of one stream's frames (stdout or stderr, already demultiplexed) into
 * lines. Continuation frames of a long line lose their timestamp prefix; partial lines carry
 * over to the next frame; `flush` returns an unterminated last line.
 */
export class FrameAssembler {
  readonly #splitter = new LineSplitter();
  #lineTime = '';

  constructor(private readonly timestamps: boolean) {}

  frame(payload: Buffer): AssembledLine[] {
    let body = payload;
    let time = '';
    if (this.timestamps) {
      const head = payload.subarray(0, 40).toString('latin1');
      const match = TIMESTAMP.exec(head);
      if (match) {
        time = match[0].slice(0, -1);
        body = payload.subarray(match[0].length);
      }
    }
    if (!this.#splitter.pending) this.#lineTime = time;
    const lines = this.#splitter.push(body);
    const out = lines.map((line, i) => ({ time: i === 0 ? this.#lineTime : time, line }));
    if (lines.length > 0) this.#lineTime = time;
    return out;
  }

  flush(): AssembledLine | undefined {
    const line = this.#splitter.flush();
    return line === undefined ? undefined : { time: this.#lineTime, line };
  }
}

/**
 * For TTY containers, whose log is one raw stream without frames: each line starts with its
 * timestamp. (A TTY line longer than 16 KB keeps the timestamps Docker put inside it.)
 */
export class RawLineAssembler {
  readonly #splitter = new LineSplitter();

  constructor(private readonly timestamps: boolean) {}

  chunk(data: Buffer): AssembledLine[] {
    return this.#splitter.push(data).map((line) => this.#split(line));
  }

  flush(): AssembledLine | undefined {
    const line = this.#splitter.flush();
    return line === undefined ? undefined : this.#split(line);
  }

  #split(line: string): AssembledLine {
    if (!this.timestamps) return { time: '', line };
    const match = TIMESTAMP.exec(line);
    return match ? { time: match[0].slice(0, -1), line: line.slice(match[0].length) } : { time: '', line };
  }
}
