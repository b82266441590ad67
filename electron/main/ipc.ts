import type { WebContents } from 'electron';
import type { EventName } from '../../core/api/contract';
import { IPC } from '../../core/api/ipc-channels';
import type { App } from '../../core/app/app';
import { answerCall } from '../../core/api/answer';
import { handle } from './security';

const EVENTS: EventName[] = ['lab', 'requests', 'metrics', 'logs', 'timeline', 'notice'];

/**
 * Commands over Electron IPC: one invoke channel (sender checked in `handle`, every message
 * validated, replies as {result} or {error}). Registered once for the app's life.
 */
export function serveApiOverIpc(app: App): void {
  handle(IPC.call, (_event, message) => answerCall(app, message));
}

/** Events to one window's page, held back until it has loaded; returns the unsubscribe. */
export function forwardEvents(app: App, contents: WebContents): () => void {
  let ready = !contents.isLoading();
  const queue: unknown[] = [];
  contents.on('did-finish-load', () => {
    ready = true;
    for (const message of queue.splice(0)) contents.send(IPC.event, message);
  });
  const offs = EVENTS.map((event) =>
    app.events.on(event, (payload) => {
      if (contents.isDestroyed()) return;
      const message = { event, payload };
      if (ready) contents.send(IPC.event, message);
      else if (queue.length < 1000) queue.push(message);
    }),
  );
  return () => offs.forEach((off) => off());
}
