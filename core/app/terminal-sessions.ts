import type { Caller } from '../api/caller';
import type { TerminalOpened, TerminalSize } from '../api/contract';
import type { ReplicaTerminal, Runtime } from '../lab/runtime';

/** Shells open at once, over every connection: each is a process in a replica and a stream here. */
export const MAX_TERMINALS = 8;
/** Output goes out in messages of at most this many bytes (before base64). */
const OUTPUT_PIECE_BYTES = 32 * 1024;
/** How often a paused terminal looks whether its connection has caught up. */
const BEHIND_RETRY_MS = 50;

interface Session {
  id: number;
  caller: Caller;
  backend: string;
  terminal: ReplicaTerminal;
  offs: Array<() => void>;
  pending: Buffer[];
  flush: NodeJS.Immediate | null;
  waiting: NodeJS.Timeout | null;
}

/**
 * The open terminals into replicas, each owned by the connection that opened it: only it can
 * write, resize or close it, only it gets the output. A terminal ends when its shell does, when
 * its container is removed, when its connection goes, or when the app closes; none of that, nor a
 * dead container or a broken stream, throws out of here.
 */
export class TerminalSessions {
  #nextId = 1;
  readonly #sessions = new Map<number, Session>();
  /** Being opened (the limit counts them). */
  #opening = 0;

  constructor(
    private readonly log: (text: string) => void,
    private readonly limit = MAX_TERMINALS,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  async open(caller: Caller, runtime: Runtime, backend: string, size: TerminalSize): Promise<TerminalOpened> {
    if (this.#sessions.size + this.#opening >= this.limit)
      throw new Error(`${this.limit} terminals are open already: close one first`);
    this.#opening++;
    let terminal: ReplicaTerminal;
    try {
      terminal = await runtime.openTerminal(backend);
    } finally {
      this.#opening--;
    }
    if (caller.gone) {
      void terminal.close();
      throw new Error(`${caller.label} closed while its terminal opened`);
    }
    const session: Session = {
      id: this.#nextId++,
      caller,
      backend,
      terminal,
      offs: [],
      pending: [],
      flush: null,
      waiting: null,
    };
    const gone = (id: string): boolean => id === terminal.container;
    session.offs.push(
      terminal.events.on('output', (chunk) => this.#queue(session, chunk)),
      terminal.events.on('exit', ({ code, message }) => void this.#end(session, { code, message })),
      runtime.events.on('replica:removed', ({ id }) => {
        if (gone(id)) void this.#end(session, { code: null, message: `${backend}'s container was removed` });
      }),
      runtime.events.on('replica:down', ({ id, reason }) => {
        if (reason === 'removed' && gone(id))
          void this.#end(session, { code: null, message: `${backend}'s container was removed` });
      }),
      caller.whenGone(() => void this.#end(session, null)),
    );
    this.#sessions.set(session.id, session);
    await terminal.resize(size).catch(() => undefined);
    terminal.resume();
    this.log(`terminal: ${caller.label} opened ${terminal.shell} in ${backend}`);
    return { id: session.id, backend, shell: terminal.shell, container: terminal.container.slice(0, 12) };
  }

  write(caller: Caller, id: number, data: Buffer): void {
    this.#owned(caller, id).terminal.write(data);
  }

  async resize(caller: Caller, id: number, size: TerminalSize): Promise<void> {
    // A shell that has just ended cannot be resized; its exit event says so.
    await this.#owned(caller, id)
      .terminal.resize(size)
      .catch(() => undefined);
  }

  async close(caller: Caller, id: number): Promise<void> {
    await this.#end(this.#owned(caller, id), null);
  }

  /** Every terminal, whoever opened it (the app is closing). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((session) => this.#end(session, null)));
  }

  #owned(caller: Caller, id: number): Session {
    const session = this.#sessions.get(id);
    if (!session || session.caller !== caller)
      throw new Error(`no terminal ${id} is open on this connection`);
    return session;
  }

  /** Chunks that arrive together leave together, in pieces a message can carry. */
  #queue(session: Session, chunk: Buffer): void {
    session.pending.push(chunk);
    session.flush ??= setImmediate(() => this.#flush(session));
  }

  #flush(session: Session): void {
    session.flush = null;
    const output = Buffer.concat(session.pending.splice(0));
    for (let at = 0; at < output.length; at += OUTPUT_PIECE_BYTES) {
      const data = output.subarray(at, at + OUTPUT_PIECE_BYTES).toString('base64');
      session.caller.send('terminal', { id: session.id, kind: 'output', data });
    }
    if (this.#sessions.has(session.id) && session.caller.behind && !session.waiting)
      this.#waitForReader(session);
  }

  /** Its reader is behind: the shell's output stays in the engine's stream until it catches up. */
  #waitForReader(session: Session): void {
    session.terminal.pause();
    const check = (): void => {
      if (session.caller.behind && this.#sessions.has(session.id)) {
        session.waiting = setTimeout(check, BEHIND_RETRY_MS);
        return;
      }
      session.waiting = null;
      session.terminal.resume();
    };
    session.waiting = setTimeout(check, BEHIND_RETRY_MS);
  }

  /** Once per session: its last output and how it ended go to its connection (unless it asked), then the shell is ended. */
  async #end(session: Session, exit: { code: number | null; message: string } | null): Promise<void> {
    if (!this.#sessions.delete(session.id)) return;
    for (const off of session.offs.splice(0)) off();
    if (session.flush) clearImmediate(session.flush);
    if (session.waiting) clearTimeout(session.waiting);
    if (session.pending.length > 0) this.#flush(session);
    if (exit) session.caller.send('terminal', { id: session.id, kind: 'exit', ...exit });
    this.log(
      `terminal: ${session.backend}'s ${session.terminal.shell} ended${exit ? `: ${exit.message}` : ''}`,
    );
    await session.terminal.close();
  }
}
