import WebSocket from 'ws';
import type { CommandInput, CommandName, CommandResult, TerminalEvent } from '../../core/api/contract';
import type { ServerMessage } from '../../core/api/wire';

/** One WebSocket connection to the dashboard's API, as a page would hold it. */
export interface ApiSocket {
  ws: WebSocket;
  call<C extends CommandName>(command: C, input: CommandInput<C>): Promise<CommandResult<C>>;
  /** Every `terminal` event this connection received, in order. */
  readonly terminalEvents: TerminalEvent[];
  /** Terminal `id`'s output so far, decoded. */
  output(id: number): string;
  /** Resolves once terminal `id`'s output matches (or its exit, with `exit: true`). */
  waitFor(id: number, match: RegExp, timeoutMs?: number): Promise<string>;
  waitForExit(id: number, timeoutMs?: number): Promise<Extract<TerminalEvent, { kind: 'exit' }>>;
  close(): Promise<void>;
}

/** Connects to `url` (`ws://HOST/api?token=...`). */
export function openApiSocket(url: string): Promise<ApiSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const replies = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    const terminalEvents: TerminalEvent[] = [];
    const changed: Array<() => void> = [];
    let nextId = 1;
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if ('event' in message) {
        if (message.event === 'terminal') {
          terminalEvents.push(message.payload as TerminalEvent);
          changed.splice(0).forEach((wake) => wake());
        }
        return;
      }
      const pending = replies.get(message.id);
      replies.delete(message.id);
      if ('error' in message) pending?.reject(Object.assign(new Error(message.error.message), message.error));
      else pending?.resolve(message.result);
    });
    const output = (id: number): string =>
      Buffer.concat(
        terminalEvents.flatMap((e) =>
          e.id === id && e.kind === 'output' ? [Buffer.from(e.data, 'base64')] : [],
        ),
      ).toString('utf8');
    const until = async <T>(find: () => T | undefined, what: () => string, timeoutMs: number): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = find();
        if (found !== undefined) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${what()} did not come within ${timeoutMs} ms`);
        await new Promise<void>((wake) => {
          const timer = setTimeout(wake, left);
          changed.push(() => {
            clearTimeout(timer);
            wake();
          });
        });
      }
    };
    const socket: ApiSocket = {
      ws,
      terminalEvents,
      output,
      call: (command, input) =>
        new Promise((resolveCall, rejectCall) => {
          const id = nextId++;
          replies.set(id, { resolve: resolveCall as (v: unknown) => void, reject: rejectCall });
          ws.send(JSON.stringify({ id, command, input }));
        }),
      waitFor: (id, match, timeoutMs = 10_000) =>
        until(
          () => (match.test(output(id)) ? output(id) : undefined),
          () => `output matching ${match} (so far ${JSON.stringify(output(id))})`,
          timeoutMs,
        ),
      waitForExit: (id, timeoutMs = 10_000) =>
        until(
          () =>
            terminalEvents.find(
              (e): e is Extract<TerminalEvent, { kind: 'exit' }> => e.id === id && e.kind === 'exit',
            ),
          () => `terminal ${id}'s exit`,
          timeoutMs,
        ),
      close: () =>
        new Promise((done) => {
          if (ws.readyState === ws.CLOSED) return done();
          ws.once('close', () => done());
          ws.close();
        }),
    };
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
  });
}

/** What a page sends for a keystroke or a paste: base64 of the text's UTF-8. */
export const typed = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
