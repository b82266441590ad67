import type { Socket } from 'node:net';

/**
 * nginx's send_timeout (and proxy_send_timeout) for a socket whose writes are queued: `onStuck`
 * runs when `ms` pass without the queue getting shorter; the watch ends once the queue has
 * drained. nginx times the gap between two successful writes, not the whole transfer, so a slow
 * reader that keeps reading is never cut off. Returns a function that stops watching.
 */
export function watchSend(socket: Socket, ms: number, onStuck: () => void): () => void {
  if (ms <= 0 || socket.destroyed) return noop;
  let queued = socket.writableLength;
  const stop = (): void => {
    clearTimeout(timer);
    socket.off('drain', stop);
    socket.off('close', stop);
  };
  const check = (): void => {
    const now = socket.writableLength;
    if (now === 0 || socket.destroyed) stop();
    else if (now < queued) {
      queued = now;
      timer.refresh();
    } else {
      stop();
      onStuck();
    }
  };
  const timer = setTimeout(check, ms);
  timer.unref();
  socket.once('drain', stop);
  socket.once('close', stop);
  return stop;
}

function noop(): void {}
