import { chmod, mkdir, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { BroadcastEventName } from '../api/contract';
import { answerCall } from '../api/answer';
import { Caller } from '../api/caller';
import type { ServerMessage } from '../api/wire';
import type { App } from '../app/app';
import { LineReader } from './line-reader';

const EVENTS: BroadcastEventName[] = ['lab', 'logs', 'timeline', 'notice'];
/** A client that reads nothing is dropped once this much waits for it. */
const MAX_UNREAD = 8 * 1024 * 1024;

/**
 * The running lab's API for this user's other processes (`upstream-lab rollout` in another
 * terminal): a Unix socket (owner-only) or a named pipe, speaking the dashboard's messages as
 * JSON lines — calls in; replies and the lab's events out. A third transport of the one API.
 */
export class ControlServer {
  private readonly offs: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly path: string,
    private readonly clients: Set<Socket>,
  ) {}

  /** Listens on the first of `paths` that can be used; the error of the last one otherwise. */
  static async listenFirst(app: App, paths: string[]): Promise<ControlServer> {
    let last: unknown = new Error('no path to listen on');
    for (const path of paths) {
      try {
        return await ControlServer.listen(app, path);
      } catch (error) {
        // A lab answering there already is an answer: another process controls it.
        if ((error as Error).message.includes('another process controls')) throw error;
        last = error;
      }
    }
    throw last;
  }

  static async listen(app: App, path: string): Promise<ControlServer> {
    const clients = new Set<Socket>();
    const server = createServer((socket) => serve(app, socket, clients));
    if (!path.startsWith('\\\\')) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await removeStale(path);
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (!path.startsWith('\\\\')) await chmod(path, 0o600);
    const control = new ControlServer(server, path, clients);
    for (const event of EVENTS)
      control.offs.push(
        app.events.on(event, (payload) => {
          const line = `${JSON.stringify({ event, payload } as ServerMessage)}\n`;
          for (const socket of clients) send(socket, line);
        }),
      );
    return control;
  }

  async close(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    for (const socket of this.clients) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let connections = 0;

function serve(app: App, socket: Socket, clients: Set<Socket>): void {
  clients.add(socket);
  // What this connection opens (a terminal) reports to it alone, and closes when it goes.
  const caller = new Caller(`control connection ${++connections}`, () => socket.writableLength);
  const offTerminal = caller.events.on('terminal', (payload) =>
    send(socket, `${JSON.stringify({ event: 'terminal', payload } as ServerMessage)}\n`),
  );
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    clients.delete(socket);
    offTerminal();
    caller.leave();
  });
  const reader = new LineReader((error) => {
    send(socket, `${JSON.stringify({ id: -1, error: { name: 'InvalidRequestError', message: error } })}\n`);
    socket.end();
  });
  socket.on('data', (chunk: Buffer) => {
    for (const line of reader.push(chunk)) {
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        message = null;
      }
      void answerCall(app, message, caller).then((reply) => send(socket, `${JSON.stringify(reply)}\n`));
    }
  });
}

function send(socket: Socket, line: string): void {
  if (socket.destroyed) return;
  if (socket.writableLength > MAX_UNREAD) socket.destroy();
  else socket.write(line);
}

/** A socket file left by a run that ended without removing it; one that answers is another lab's owner. */
async function removeStale(path: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`${path}: another process controls this lab already`);
  await unlink(path).catch(() => undefined);
}
