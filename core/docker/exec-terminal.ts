import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { TerminalSize } from '../api/contract';
import { Emitter } from '../events/emitter';
import type { ReplicaTerminal, ReplicaTerminalEvents } from '../lab/runtime';

/**
 * A TTY exec outlives its connection (Docker keeps the shell running when the client goes), so
 * the shell's environment carries a mark: closing signals every process that has it, which is
 * the shell and whatever it started.
 */
const MARK = 'UPSTREAM_LAB_TERMINAL';

/** HUP (a terminal's hang-up) to the marked processes, KILL to any still there a second later. */
const HANG_UP = `mark="${MARK}=$1"
signal() {
  found=
  for p in /proc/[0-9]*; do
    if grep -qsF "$mark" "$p/environ"; then found=1; kill "-$1" "\${p#/proc/}" 2>/dev/null; fi
  done
  [ -n "$found" ]
}
signal HUP || exit 0
for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.1; signal 0 || exit 0; done
signal KILL
exit 0`;

const HANG_UP_TIMEOUT_MS = 5_000;

export class TerminalError extends Error {
  override name = 'TerminalError';
}

/**
 * `docker exec -it <container> /bin/bash` (or /bin/sh where there is no bash) for replica `name`:
 * refused with a readable error when the container is not running or has no shell.
 */
export async function openExecTerminal(
  docker: Docker,
  target: { id: string; name: string },
): Promise<ReplicaTerminal> {
  const container = docker.getContainer(target.id);
  try {
    const info = await container.inspect();
    if (info.State.Paused) throw new TerminalError(`${target.name} is paused: Restore it to open a terminal`);
    if (!info.State.Running) {
      throw new TerminalError(
        `${target.name} is not running (its container is ${info.State.Status}): Restore it to open a terminal`,
      );
    }
    const shell = await pickShell(container);
    const mark = randomBytes(8).toString('hex');
    const exec = await container.exec({
      Cmd: [shell],
      Env: ['TERM=xterm-256color', `${MARK}=${mark}`],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
    return new ExecTerminal(container, exec, stream, { shell, mark, id: info.Id });
  } catch (error) {
    throw refusal(target.name, error);
  }
}

/** /bin/bash when the container has it, else /bin/sh; asked of the engine's file API, nothing runs. */
async function pickShell(container: Docker.Container): Promise<string> {
  if ((await exists(container, '/bin/bash')) === true) return '/bin/bash';
  if ((await exists(container, '/bin/sh')) === false)
    throw new TerminalError('its container has neither /bin/bash nor /bin/sh');
  return '/bin/sh';
}

/** undefined: the engine could not say (the exec itself will). */
async function exists(container: Docker.Container, path: string): Promise<boolean | undefined> {
  try {
    await container.infoArchive({ path });
    return true;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode === 404 ? false : undefined;
  }
}

function refusal(name: string, error: unknown): Error {
  const status = (error as { statusCode?: number }).statusCode;
  const message = (error as Error).message ?? String(error);
  if (error instanceof TerminalError) {
    return message.startsWith(name) ? error : new TerminalError(`${name}: ${message}`);
  }
  if (status === 404) return new TerminalError(`${name}'s container is gone: Restore recreates it`);
  if (status === 409) return new TerminalError(`${name} cannot run a shell now: ${engineReason(error)}`);
  return new TerminalError(`${name}: cannot open a terminal: ${message}`);
}

/** The engine's own words (`Container 3f2a... is not running`), without dockerode's prefix. */
function engineReason(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  return json?.message ?? (error as Error).message;
}

class ExecTerminal implements ReplicaTerminal {
  readonly events = new Emitter<ReplicaTerminalEvents>();
  readonly shell: string;
  readonly container: string;
  readonly #mark: string;
  #ended = false;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly handle: Docker.Container,
    private readonly exec: Docker.Exec,
    private readonly stream: Duplex,
    about: { shell: string; mark: string; id: string },
  ) {
    this.shell = about.shell;
    this.container = about.id;
    this.#mark = about.mark;
    stream.on('data', (chunk: Buffer) => this.events.emit('output', chunk));
    // Until the first resume(): whoever opened it subscribes first and misses nothing.
    stream.pause();
    stream.on('error', (error: Error) => void this.#end(`the terminal's connection broke: ${error.message}`));
    stream.on('end', () => void this.#end());
    stream.on('close', () => void this.#end());
  }

  write(data: Buffer): void {
    if (!this.#ended && this.stream.writable) this.stream.write(data);
  }

  async resize({ cols, rows }: TerminalSize): Promise<void> {
    if (this.#ended) return;
    await this.exec.resize({ h: rows, w: cols });
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.stream.destroy();
      await this.#hangUp().catch(() => undefined);
    })();
    return this.#closing;
  }

  async #hangUp(): Promise<void> {
    const exec = await this.handle.exec({
      Cmd: [this.shell, '-c', HANG_UP, 'hang-up', this.#mark],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({});
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        stream.destroy();
        resolve();
      }, HANG_UP_TIMEOUT_MS);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      stream.on('error', done);
      stream.on('end', done);
      stream.on('close', done);
      stream.resume();
    });
  }

  async #end(problem?: string): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#closing) return this.events.emit('exit', { code: null, message: 'the terminal was closed' });
    const code = await this.#exitCode();
    const message =
      problem ??
      (code === null
        ? 'the shell ended (its container stopped or is gone)'
        : code === 0
          ? 'the shell exited'
          : `the shell exited with code ${code}`);
    this.events.emit('exit', { code, message });
  }

  /** The engine marks the exec ended a moment after its stream does. */
  async #exitCode(): Promise<number | null> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const info = await this.exec.inspect().catch(() => null);
      if (!info) return null;
      if (!info.Running) return info.ExitCode ?? null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return null;
  }
}
