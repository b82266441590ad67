import type { WebContents } from 'electron';
import { Caller } from '../../core/api/caller';
import { BROADCAST_EVENTS } from '../../core/api/contract';
import { IPC } from '../../core/api/ipc-channels';
import type { App } from '../../core/app/app';
import { answerCall } from '../../core/api/answer';
import { handle } from './security';

const EVENTS = BROADCAST_EVENTS;

/** Each window's page, by its webContents' id: a connection of its own, owning what it opens. */
const callers = new Map<number, Caller>();

/**
 * Commands over Electron IPC: one invoke channel (sender checked in `handle`, every message
 * validated, replies as {result} or {error}). Registered once for the app's life.
 */
export function serveApiOverIpc(app: App): void {
  handle(IPC.call, (event, message) => answerCall(app, message, callers.get(event.sender.id)));
}

/**
 * Events to one window's page, held back until it has loaded; its own events (a terminal's
 * output) to it alone. Returns the function that stops it and closes what the page opened.
 */
export function forwardEvents(app: App, contents: WebContents): () => void {
  let ready = !contents.isLoading();
  const queue: unknown[] = [];
  const post = (message: unknown): void => {
    if (contents.isDestroyed()) return;
    if (ready) contents.send(IPC.event, message);
    else if (queue.length < 1000) queue.push(message);
  };
  contents.on('did-finish-load', () => {
    ready = true;
    for (const message of queue.splice(0)) contents.send(IPC.event, message);
  });
  const offs = EVENTS.map((event) => app.events.on(event, (payload) => post({ event, payload })));

  let pages = 0;
  let caller: Caller | undefined;
  const connect = (): void => {
    caller?.leave();
    caller = new Caller(`window ${contents.id} page ${++pages}`);
    const own = caller;
    own.events.on('terminal', (payload) => {
      if (!own.gone && ready) post({ event: 'terminal', payload });
    });
    callers.set(contents.id, own);
  };
  connect();
  // A reload is a new page: what the old one opened is closed, and the new one starts afresh.
  contents.on('did-navigate', connect);
  const id = contents.id;
  return () => {
    offs.forEach((off) => off());
    caller?.leave();
    callers.delete(id);
  };
}
