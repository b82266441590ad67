import { connect } from 'node:net';

/**
 * True when something listens on host:port. Docker's port proxy accepts a connection before the
 * app in the container listens, then closes it at once when it cannot reach the app; a
 * connection still open after `holdMs` has reached the app.
 */
export function tcpListening(host: string, port: number, holdMs = 150, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settled = false;
    const done = (listening: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(listening);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      setTimeout(() => done(true), holdMs);
    });
    socket.once('error', () => done(false));
    socket.once('end', () => done(false));
    socket.once('close', () => done(false));
    socket.resume();
  });
}
