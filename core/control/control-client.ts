import { connect, type Socket } from 'node:net';
import type { CommandName, CommandResults, EventName, ApiEvents } from '../api/contract';
import { CallTracker } from '../api/call-tracker';
import { LineReader } from './line-reader';

/** A call refused by the lab (its message is the lab's). */
export class ControlCallError extends Error {
  override name = 'ControlCallError';
}

/** The other end of a running lab's control socket: calls with replies, and the lab's events. */
export class ControlClient {
  private readonly calls = new CallTracker((shape) => new ControlCallError(shape.message));
  private closedError: Error | null = null;

  private constructor(private readonly socket: Socket) {
    const reader = new LineReader((why) => this.fail(new Error(`the lab sent ${why}`)));
    socket.on('data', (chunk: Buffer) => {
      for (const line of reader.push(chunk)) this.calls.receive(line);
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
    const { message, reply } = this.calls.call(command, input);
    this.socket.write(`${JSON.stringify(message)}\n`);
    return reply as Promise<CommandResults[C]>;
  }

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): void {
    this.calls.on(event, listener);
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(error: Error): void {
    this.closedError ??= error;
    this.calls.failAll(error);
  }
}
