import type { Terminal } from '@xterm/xterm';
import {
  TERMINAL_WRITE_BYTES,
  type ApiClient,
  type TerminalEvent,
  type TerminalOpened,
} from '../../../../core/api/contract';
import type { Send } from '../api/context';
import { binaryStringBytes, fromBase64, toBase64Pieces } from './base64';

export type LinkState =
  | { kind: 'opening' }
  | { kind: 'open'; opened: TerminalOpened }
  /** `opened`: null when it never opened (`message` says why). */
  | { kind: 'ended'; opened: TerminalOpened | null; message: string };

/**
 * One shell in a replica, drawn by an xterm `Terminal`: asks the core to open it, sends what is
 * typed, resizes it with the terminal, writes its output, and says how it ended.
 */
export class TerminalLink {
  #id: number | null = null;
  #opened: TerminalOpened | null = null;
  #ended = false;
  readonly #offs: Array<() => void> = [];
  readonly #encoder = new TextEncoder();

  constructor(
    private readonly terminal: Terminal,
    private readonly send: Send,
    private readonly on: ApiClient['on'],
    private readonly onState: (state: LinkState) => void,
  ) {}

  async open(backend: string): Promise<void> {
    this.onState({ kind: 'opening' });
    // Output could come before the answer that names its terminal: kept until then.
    const early: TerminalEvent[] = [];
    this.#offs.push(
      this.on('terminal', (event) => {
        if (this.#id === null) early.push(event);
        else if (event.id === this.#id) this.#receive(event);
      }),
    );
    const { cols, rows } = this.terminal;
    const outcome = await this.send('terminal.open', { backend, cols, rows }, { quiet: true });
    if (this.#ended) {
      // Closed while it opened: the shell it got is not wanted.
      if (outcome.ok) void this.send('terminal.close', { id: outcome.result.id }, { quiet: true });
      return;
    }
    if (!outcome.ok) return this.#end(outcome.error.message);
    this.#opened = outcome.result;
    this.#id = outcome.result.id;
    this.onState({ kind: 'open', opened: outcome.result });
    const input = this.terminal.onData((data) => this.#write(this.#encoder.encode(data)));
    const binary = this.terminal.onBinary((data) => this.#write(binaryStringBytes(data)));
    const resize = this.terminal.onResize((size) => this.#resize(size.cols, size.rows));
    this.#offs.push(
      () => input.dispose(),
      () => binary.dispose(),
      () => resize.dispose(),
    );
    for (const event of early.splice(0)) if (event.id === this.#id) this.#receive(event);
    // Fitted again while the answer was on its way.
    if (this.terminal.cols !== cols || this.terminal.rows !== rows)
      this.#resize(this.terminal.cols, this.terminal.rows);
  }

  /** The connection to the lab closed: the core has ended the shell. */
  connectionLost(): void {
    if (!this.#ended) this.#end('the connection to the lab closed, which ended the shell');
  }

  /** Ends the shell (unless it has ended) and stops listening. */
  close(): void {
    const id = this.#ended ? null : this.#id;
    this.#ended = true;
    for (const off of this.#offs.splice(0)) off();
    if (id !== null) void this.send('terminal.close', { id }, { quiet: true });
  }

  #receive(event: TerminalEvent): void {
    if (event.kind === 'output') this.terminal.write(fromBase64(event.data));
    else this.#end(event.message);
  }

  #write(bytes: Uint8Array): void {
    const id = this.#id;
    if (id === null || this.#ended) return;
    // A refused write means the shell has ended; its exit event says so.
    for (const data of toBase64Pieces(bytes, TERMINAL_WRITE_BYTES))
      void this.send('terminal.write', { id, data }, { quiet: true });
  }

  #resize(cols: number, rows: number): void {
    if (this.#id !== null && !this.#ended)
      void this.send('terminal.resize', { id: this.#id, cols, rows }, { quiet: true });
  }

  #end(message: string): void {
    this.#ended = true;
    for (const off of this.#offs.splice(0)) off();
    // Where the shell ran, its end is said after its last output; one that never ran has no screen.
    if (this.#opened) this.terminal.write(`\r\n\x1b[2m[${message}]\x1b[0m\r\n`);
    this.onState({ kind: 'ended', opened: this.#opened, message });
  }
}
