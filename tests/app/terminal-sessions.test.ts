import { afterEach, describe, expect, test } from 'vitest';
import { Caller } from '../../core/api/caller';
import type { TerminalEvent } from '../../core/api/contract';
import { App } from '../../core/app/app';
import { MAX_TERMINALS, TerminalSessions } from '../../core/app/terminal-sessions';
import { Emitter } from '../../core/events/emitter';
import type { ReplicaTerminal, ReplicaTerminalEvents, Runtime, RuntimeEvents } from '../../core/lab/runtime';
import { waitForView } from '../support/lab-view';
import { freePort } from '../support/target';

/** A shell that only records what is done to it; the test plays its output. */
class FakeTerminal implements ReplicaTerminal {
  readonly events = new Emitter<ReplicaTerminalEvents>();
  readonly shell = '/bin/sh';
  readonly written: string[] = [];
  readonly sizes: Array<{ cols: number; rows: number }> = [];
  paused = true;
  closed = false;
  constructor(readonly container: string) {}
  write(data: Buffer): void {
    this.written.push(data.toString());
  }
  async resize(size: { cols: number; rows: number }): Promise<void> {
    this.sizes.push(size);
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function fakeRuntime() {
  const events = new Emitter<RuntimeEvents>();
  const opened: FakeTerminal[] = [];
  const runtime = {
    events,
    async openTerminal(target: string) {
      const terminal = new FakeTerminal(`${target}-${opened.length}`.padEnd(64, '0'));
      opened.push(terminal);
      return terminal;
    },
  } as unknown as Runtime;
  return { runtime, events, opened };
}

/** A caller that keeps what it is sent; `unread` plays its transport's backlog. */
function recordingCaller(label: string, unread = { bytes: 0 }) {
  const caller = new Caller(label, () => unread.bytes);
  const received: TerminalEvent[] = [];
  caller.events.on('terminal', (event) => received.push(event));
  const output = (): string =>
    Buffer.concat(
      received.flatMap((e) => (e.kind === 'output' ? [Buffer.from(e.data, 'base64')] : [])),
    ).toString();
  return { caller, received, output, unread };
}

const SIZE = { cols: 80, rows: 24 };
const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the terminal sessions', () => {
  test('a terminal is its opener’s alone: output to it only, writes and closes from it only', async () => {
    const { runtime, opened } = fakeRuntime();
    const sessions = new TerminalSessions(() => undefined);
    const a = recordingCaller('a');
    const b = recordingCaller('b');
    const { id, container } = await sessions.open(a.caller, runtime, 'backend1', SIZE);
    const terminal = opened[0]!;
    expect(container).toHaveLength(12);
    // Sized before its output flows.
    expect(terminal.sizes).toEqual([SIZE]);
    expect(terminal.paused).toBe(false);

    terminal.events.emit('output', Buffer.from('hello '));
    terminal.events.emit('output', Buffer.from('world'));
    await tick();
    // Chunks of one moment leave as one message.
    expect(a.received).toEqual([{ id, kind: 'output', data: Buffer.from('hello world').toString('base64') }]);
    expect(b.received).toEqual([]);

    sessions.write(a.caller, id, Buffer.from('ls\n'));
    expect(terminal.written).toEqual(['ls\n']);
    expect(() => sessions.write(b.caller, id, Buffer.from('rm -rf /\n'))).toThrow(
      `no terminal ${id} is open on this connection`,
    );
    await expect(sessions.close(b.caller, id)).rejects.toThrow('no terminal');
    expect(terminal.closed).toBe(false);
    await sessions.close(a.caller, id);
    expect(terminal.closed).toBe(true);
    expect(sessions.size).toBe(0);
  });

  test(`at most ${MAX_TERMINALS} open at once, over every connection`, async () => {
    const { runtime } = fakeRuntime();
    const sessions = new TerminalSessions(() => undefined);
    const callers = [recordingCaller('a').caller, recordingCaller('b').caller];
    const ids: number[] = [];
    for (let i = 0; i < MAX_TERMINALS; i++)
      ids.push((await sessions.open(callers[i % 2]!, runtime, 'backend1', SIZE)).id);
    await expect(sessions.open(callers[0]!, runtime, 'backend1', SIZE)).rejects.toThrow(
      `${MAX_TERMINALS} terminals are open already: close one first`,
    );
    await sessions.close(callers[0]!, ids[0]!);
    await sessions.open(callers[0]!, runtime, 'backend1', SIZE);
  });

  test('a connection that goes closes its terminals, not the others’', async () => {
    const { runtime, opened } = fakeRuntime();
    const sessions = new TerminalSessions(() => undefined);
    const a = recordingCaller('a');
    const b = recordingCaller('b');
    await sessions.open(a.caller, runtime, 'backend1', SIZE);
    await sessions.open(b.caller, runtime, 'backend2', SIZE);
    a.caller.leave();
    await tick();
    expect(opened.map((t) => t.closed)).toEqual([true, false]);
    expect(sessions.size).toBe(1);
  });

  test('the shell exiting, or its container removed, ends the terminal with a message to its opener', async () => {
    const { runtime, events, opened } = fakeRuntime();
    const sessions = new TerminalSessions(() => undefined);
    const a = recordingCaller('a');
    const first = await sessions.open(a.caller, runtime, 'backend1', SIZE);
    const second = await sessions.open(a.caller, runtime, 'backend2', SIZE);

    opened[0]!.events.emit('output', Buffer.from('bye'));
    opened[0]!.events.emit('exit', { code: 0, message: 'the shell exited' });
    const ref = { name: 'backend2', container: 'lab-backend2', id: opened[1]!.container };
    // Another container of the same name (a rollout's new one) is not this terminal's.
    events.emit('replica:removed', { ...ref, id: 'f'.repeat(64) });
    expect(sessions.size).toBe(1);
    events.emit('replica:removed', ref);
    await tick();
    expect(a.output()).toBe('bye');
    expect(a.received.filter((e) => e.kind === 'exit')).toEqual([
      { id: first.id, kind: 'exit', code: 0, message: 'the shell exited' },
      { id: second.id, kind: 'exit', code: null, message: "backend2's container was removed" },
    ]);
    expect(opened.every((t) => t.closed)).toBe(true);
  });

  test('output goes out in bounded pieces, and waits while its reader is behind', async () => {
    const { runtime, opened } = fakeRuntime();
    const sessions = new TerminalSessions(() => undefined);
    const a = recordingCaller('a');
    const { id } = await sessions.open(a.caller, runtime, 'backend1', SIZE);
    const terminal = opened[0]!;
    const flood = Buffer.alloc(100 * 1024, 'x');
    a.unread.bytes = 5 * 1024 * 1024;
    terminal.events.emit('output', flood);
    await tick();
    const pieces = a.received.filter((e) => e.kind === 'output' && e.id === id);
    expect(pieces).toHaveLength(4);
    for (const piece of pieces)
      expect(Buffer.from((piece as { data: string }).data, 'base64').length).toBeLessThanOrEqual(32 * 1024);
    expect(a.output()).toBe(flood.toString());
    expect(terminal.paused).toBe(true);
    a.unread.bytes = 0;
    await tick(120);
    expect(terminal.paused).toBe(false);
    await sessions.closeAll();
  });
});

describe('terminals on the demo runtime', () => {
  let app: App | undefined;
  afterEach(() => app?.close());

  test('are refused: its backends have no container', async () => {
    app = new App({
      settings: { runtime: 'demo', lab: 'termdemo', listen: `127.0.0.1:${await freePort()}` },
      stateDir: null,
    });
    await app.call('lab.start', {});
    await waitForView(app, (v) => v.state === 'running');
    const caller = new Caller('test page');
    await expect(
      app.call('terminal.open', { backend: 'backend1', cols: 80, rows: 24 }, caller),
    ).rejects.toThrow('the demo backends have no container to open a terminal in');
    // Only a connection can own one; and an unknown backend is named as such.
    await expect(app.call('terminal.open', { backend: 'backend1', cols: 80, rows: 24 })).rejects.toThrow(
      'a terminal belongs to a connection',
    );
    await expect(
      app.call('terminal.open', { backend: 'backend9', cols: 80, rows: 24 }, caller),
    ).rejects.toThrow('backend9 is not a backend of this lab');
    await expect(app.call('terminal.write', { id: 1, data: 'not base64!' }, caller)).rejects.toThrow(
      'terminal.write: data',
    );
  });
});
