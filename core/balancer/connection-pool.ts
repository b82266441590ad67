import type { Socket } from 'node:net';
import type { Peer } from './peer';

/** nginx's upstream `keepalive_timeout` default. */
const IDLE_TIMEOUT_MS = 60_000;

interface IdleConnection {
  peer: Peer;
  socket: Socket;
}

/**
 * Idle keep-alive connections of one upstream (nginx `keepalive N`): at most `max` cached in all,
 * the least recently used dropped first. Connections are only ever reused for the peer they reach.
 */
export class ConnectionPool {
  private idle: IdleConnection[] = [];

  constructor(readonly max: number) {}

  get size(): number {
    return this.idle.length;
  }

  /** Takes the most recently used idle connection to `peer`, if any. */
  take(peer: Peer): Socket | null {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const entry = this.idle[i]!;
      if (entry.peer !== peer) continue;
      this.idle.splice(i, 1);
      release(entry.socket);
      return entry.socket;
    }
    return null;
  }

  /** Caches a connection whose last response ended cleanly; closes it when the cache is off or full. */
  put(peer: Peer, socket: Socket): void {
    if (this.max === 0 || peer.removed || socket.destroyed) {
      socket.destroy();
      return;
    }
    if (this.idle.length >= this.max) this.idle.shift()!.socket.destroy();
    const entry = { peer, socket };
    this.idle.push(entry);
    const forget = (): void => {
      const i = this.idle.indexOf(entry);
      if (i !== -1) this.idle.splice(i, 1);
      socket.destroy();
    };
    socket.setTimeout(IDLE_TIMEOUT_MS);
    socket.once('timeout', forget);
    socket.once('close', forget);
    socket.once('error', forget);
    // Bytes on an idle connection mean the upstream broke the protocol: never reuse it.
    socket.once('data', forget);
    // An idle upstream connection must never keep the process alive.
    socket.unref();
    (socket as IdleSocket).forget = forget;
  }

  drop(peer: Peer): void {
    for (const entry of this.idle.filter((e) => e.peer === peer)) entry.socket.destroy();
    this.idle = this.idle.filter((e) => e.peer !== peer);
  }

  close(): void {
    for (const entry of this.idle) entry.socket.destroy();
    this.idle = [];
  }
}

interface IdleSocket extends Socket {
  forget?: () => void;
}

/** Undoes `put`'s idle bookkeeping on a connection taken back into use. */
function release(socket: IdleSocket): void {
  const forget = socket.forget;
  if (forget) {
    socket.off('timeout', forget);
    socket.off('close', forget);
    socket.off('error', forget);
    socket.off('data', forget);
    socket.forget = undefined;
  }
  socket.ref();
}
