import { LineSplitter } from '../logs/lines';

export interface BuildStep {
  /** 1-based, as in `Step 4/7`. */
  index: number;
  total: number;
  /** `RUN pip install -r requirements.txt` */
  instruction: string;
  /** The builder reused a cached layer (` ---> Using cache`). */
  cached: boolean;
  /** What the step printed, without the builder's own ` ---> ...` bookkeeping lines. */
  output: string[];
}

export type BuildUpdate =
  | { kind: 'step'; step: Readonly<BuildStep> }
  | { kind: 'log'; line: string; step?: number }
  | { kind: 'cached'; step: number };

/** One message of the classic builder's JSON stream (POST /build). */
export interface BuildMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const STEP = /^Step (\d+)\/(\d+) : (.*)$/;
const BOOKKEEPING = /^( ---> |Removing intermediate container |Successfully (built|tagged) )/;

/**
 * Follows the classic builder's output: splits `stream` text into lines (a RUN step's output
 * arrives in arbitrary chunks), tracks `Step i/n : ...` headers, cache hits, the image ID and
 * the error. The whole log is kept.
 */
export class BuildProgress {
  readonly steps: BuildStep[] = [];
  readonly log: string[] = [];
  imageId: string | undefined;
  error: string | undefined;
  readonly #splitter = new LineSplitter();

  get current(): BuildStep | undefined {
    return this.steps.at(-1);
  }

  push(message: BuildMessage): BuildUpdate[] {
    const updates: BuildUpdate[] = [];
    if (typeof message.stream === 'string') {
      for (const line of this.#splitter.push(message.stream)) updates.push(...this.#line(line));
    }
    if (typeof message.status === 'string' && !message.progress) {
      updates.push(...this.#line(message.id ? `${message.id}: ${message.status}` : message.status));
    }
    if (message.aux?.ID) this.imageId = message.aux.ID;
    const error = message.errorDetail?.message ?? message.error;
    if (typeof error === 'string') {
      updates.push(...this.end());
      this.error = error.trim();
      this.log.push(this.error);
      updates.push({ kind: 'log', line: this.error, ...(this.current ? { step: this.current.index } : {}) });
    }
    return updates;
  }

  /** Flushes an unterminated last line. */
  end(): BuildUpdate[] {
    const rest = this.#splitter.flush();
    return rest === undefined ? [] : this.#line(rest);
  }

  /** The image ID from `aux`, or from `Successfully built <id>` on engines that send no aux. */
  get builtId(): string | undefined {
    if (this.imageId) return this.imageId;
    for (let i = this.log.length - 1; i >= 0; i--) {
      const match = /^Successfully built ([0-9a-f]+)$/.exec(this.log[i] ?? '');
      if (match) return match[1];
    }
    return undefined;
  }

  #line(raw: string): BuildUpdate[] {
    // The classic builder wraps a step's stderr in red (ESC[91m ... ESC[0m); keep plain text.
    const line = raw.replace(ANSI, '');
    this.log.push(line);
    const header = STEP.exec(line);
    if (header) {
      const step: BuildStep = {
        index: Number(header[1]),
        total: Number(header[2]),
        instruction: header[3]!.trim(),
        cached: false,
        output: [],
      };
      this.steps.push(step);
      return [
        { kind: 'step', step },
        { kind: 'log', line, step: step.index },
      ];
    }
    const step = this.current;
    if (step && line.trim() === '---> Using cache') {
      step.cached = true;
      return [
        { kind: 'cached', step: step.index },
        { kind: 'log', line, step: step.index },
      ];
    }
    if (step && !BOOKKEEPING.test(line)) step.output.push(line);
    return [{ kind: 'log', line, ...(step ? { step: step.index } : {}) }];
  }
}
