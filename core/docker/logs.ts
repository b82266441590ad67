import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { LogEntry } from '../logs/entry';
import { FrameAssembler, RawLineAssembler } from './log-frames';
import type { AssembledLine } from './log-frames';

export interface ContainerLogLine extends LogEntry {
  /** Container ID. */
  id: string;
}

export interface ContainerLogsOptions {
  /** Lines of history on the first follow of a container. */
  tail?: number;
  onLine: (line: ContainerLogLine) => void;
  /** The container's log stream ended (it stopped, or the engine went away). */
  onEnd?: (id: string, source: string) => void;
}

interface Followed {
  source: string;
  stream: Readable | undefined;
  lastTime: string;
  lastLine: string;
  /** Settles when the current follow's stream has ended and its last lines were handed over. */
  ended: Promise<void>;
  markEnded: () => void;
}

/**
 * Follows containers' stdout and stderr (`follow`, `timestamps`, `tail`), demultiplexed with
 * docker.modem.demuxStream: each frame is handed over whole, so a line Docker split at 16 KB is
 * joined again, without the timestamp Docker put on every piece. TTY containers are read raw.
 * Following again after a restart resumes with `since` from the last line seen.
 */
export class ContainerLogs {
  readonly #followed = new Map<string, Followed>();

  constructor(
    private readonly docker: Docker,
    private readonly options: ContainerLogsOptions,
  ) {}

  isFollowing(id: string): boolean {
    return this.#followed.get(id)?.stream !== undefined;
  }

  /** Starts following `id` unless it already is; `source` names it in the lines (`backend2`). */
  async follow(id: string, source: string): Promise<void> {
    let state = this.#followed.get(id);
    if (state?.stream) return;
    if (!state) {
      state = {
        source,
        stream: undefined,
        lastTime: '',
        lastLine: '',
        ended: Promise.resolve(),
        markEnded: () => {},
      };
      this.#followed.set(id, state);
    }
    const following = state;
    following.ended = new Promise((resolve) => (following.markEnded = resolve));
    const resuming = state.lastTime !== '';
    const container = this.docker.getContainer(id);
    let info: Docker.ContainerInspectInfo;
    let stream: Readable;
    try {
      info = await container.inspect();
      stream = (await container.logs({
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        ...(resuming ? { since: toUnixSince(state.lastTime) } : { tail: this.options.tail ?? 200 }),
      })) as unknown as Readable;
    } catch (error) {
      following.markEnded();
      throw error;
    }
    if (state.stream) {
      // Another follow() won the race.
      stream.destroy();
      return;
    }
    state.stream = stream;
    const followed = state;
    // `since` is inclusive: the last line seen before comes again after a resume.
    const seen = resuming ? { time: state.lastTime, line: state.lastLine } : undefined;
    const emit = (kind: 'stdout' | 'stderr', line: AssembledLine | undefined) => {
      if (!line) return;
      if (seen && line.time <= seen.time && (line.time < seen.time || line.line === seen.line)) return;
      if (line.time) followed.lastTime = line.time;
      followed.lastLine = line.line;
      this.options.onLine({ id, source: followed.source, stream: kind, time: line.time, line: line.line });
    };

    let flush: () => void;
    if (info.Config.Tty) {
      const raw = new RawLineAssembler(true);
      stream.on('data', (chunk: Buffer) => raw.chunk(chunk).forEach((line) => emit('stdout', line)));
      flush = () => emit('stdout', raw.flush());
    } else {
      const out = new FrameAssembler(true);
      const err = new FrameAssembler(true);
      this.docker.modem.demuxStream(
        stream,
        frameSink(out, (line) => emit('stdout', line)),
        frameSink(err, (line) => emit('stderr', line)),
      );
      flush = () => {
        emit('stdout', out.flush());
        emit('stderr', err.flush());
      };
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      flush();
      followed.markEnded();
      // Not reported when stopAll() or forget() ended it on purpose.
      if (followed.stream !== stream) return;
      followed.stream = undefined;
      this.options.onEnd?.(id, followed.source);
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  /**
   * Waits (at most `timeoutMs`) until the lines of a container that has exited are all handed
   * over: a container that fails at once may exit before its log stream delivered anything.
   */
  async drained(id: string, timeoutMs = 2000): Promise<void> {
    const state = this.#followed.get(id);
    if (!state) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      state.ended,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /** Stops following `id` and forgets where it was. */
  forget(id: string): void {
    const state = this.#followed.get(id);
    this.#followed.delete(id);
    if (state) detach(state);
  }

  /** Stops following everything; a later follow() resumes where each left off. */
  stopAll(): void {
    for (const state of this.#followed.values()) detach(state);
  }
}

function detach(state: Followed): void {
  const stream = state.stream;
  state.stream = undefined;
  stream?.destroy();
}

/** A Writable that receives each demultiplexed frame payload in one write. */
function frameSink(assembler: FrameAssembler, onLine: (line: AssembledLine) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of assembler.frame(chunk)) onLine(line);
      callback();
    },
  });
}

/** `2024-05-01T10:00:00.123456789Z` → `1714557600.123456789`, the form `since` accepts. */
export function toUnixSince(time: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) return String(Math.floor(Date.parse(time) / 1000));
  const seconds = Math.floor(Date.parse(`${match[1]}${match[3]}`) / 1000);
  const fraction = (match[2] ?? '').padEnd(9, '0').slice(0, 9);
  return `${seconds}.${fraction}`;
}
