import { createServer, type Server, type Socket } from 'node:net';
import { ClientConnection, type ConnectionSettings, type RequestHandler } from './client-connection';

/**
 * A listening socket whose connections speak HTTP/1.x through ClientConnection: nginx's
 * listening side, without Node's HTTP server.
 */
export class Http1Server {
  readonly server: Server;
  private readonly connections = new Set<ClientConnection>();

  constructor(
    /** What new connections get (a reload changes it; connections already open keep theirs). */
    public settings: ConnectionSettings,
    handler: RequestHandler,
    onConnection: (socket: Socket) => void = () => undefined,
  ) {
    this.server = createServer({ noDelay: true }, (socket) => {
      onConnection(socket);
      const connection = new ClientConnection(socket, this.settings, handler, (closed) =>
        this.connections.delete(closed),
      );
      this.connections.add(connection);
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Client connections open now (tunnels included: the socket is still the server's). */
  connectionCount(): Promise<number> {
    return new Promise((resolve) => this.server.getConnections((error, count) => resolve(error ? 0 : count)));
  }

  /** Stops accepting; idle connections close now, busy ones after their response or `graceMs`. */
  close(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        for (const connection of this.connections) connection.socket.destroy();
      }, graceMs);
      force.unref();
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      for (const connection of this.connections) connection.drain();
    });
  }
}
