import { connect, type Socket } from 'node:net';
import type { CommandName, CommandResults, EventName, ApiEvents } from '../api/contract';
import type { ServerMessage } from '../api/wire';
import { LineReader } from './line-reader';

type Listener = { [E in EventName]?: Array<(payload: ApiEvents[E]) => void> };

/** A call refused by the lab (its message is the lab's). */
export class ControlCallError extends Error {
  override name = 'ControlCallError';
}

/** The other end of a running lab's control socket: calls with replies, and the lab's events. */
export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners: Listener = {};
  private closedError: Error | null = null;

  private constructor(private readonly socket: Socket) {
    const reader = new LineReader((why) => this.fail(new Error(`the lab sent ${why}`)));
    socket.on('data', (chunk: Buffer) => {
      for (const line of reader.push(chunk)) this.onLine(line);
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the lab closed its control socket (it stopped?)')));
  }

  /** Connects, or rejects with the socket error (`ENOENT`, `ECONNREFUSED`: no lab runs there). */
  static open(path: string): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new ControlClient(socket));
      });
    });
  }

  call<C extends CommandName>(command: C, input: unknown): Promise<CommandResults[C]> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    this.socket.write(`${JSON.stringify({ id, command, input })}\n`);
    return new Promise((resolve, reject) =>
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }),
    );
  }

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): void {
    ((this.listeners[event] ??= []) as Array<(payload: ApiEvents[E]) => void>).push(listener);
  }

  close(): void {
    this.socket.destroy();
  }

  private onLine(line: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(line) as ServerMessage;
    } catch {
      return;
    }
    if ('event' in message) {
      for (const listener of (this.listeners[message.event] ?? []) as Array<(p: unknown) => void>)
        listener(message.payload);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if ('error' in message) waiting.reject(new ControlCallError(message.error.message));
    else waiting.resolve(message.result);
  }

  private fail(error: Error): void {
    this.closedError ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
