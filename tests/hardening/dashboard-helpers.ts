import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../core/app/app';
import { DashboardServer, type DashboardServerOptions } from '../../core/server/dashboard-server';

export interface Dashboard {
  app: App;
  server: DashboardServer;
  port: number;
  token: string;
  /** Lines the server logged. */
  logged: string[];
  close(): Promise<void>;
}

/** A real DashboardServer on 127.0.0.1 over a demo App and a one-file renderer. */
export async function startDashboard(options: Partial<DashboardServerOptions> = {}): Promise<Dashboard> {
  const root = await mkdtemp(join(tmpdir(), 'ul-dashboard-'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Upstream Lab</title>');
  const app = new App({ settings: { runtime: 'demo' }, stateDir: null });
  const logged: string[] = [];
  const server = new DashboardServer({
    app,
    host: '127.0.0.1',
    port: 0,
    rendererDir: root,
    log: (line) => logged.push(line),
    ...options,
  });
  const url = new URL(await server.listen());
  return {
    app,
    server,
    port: Number(url.port),
    token: url.searchParams.get('token')!,
    logged,
    async close() {
      await server.close();
      await app.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface Exchange {
  /** The first line the server sent, or null if it sent nothing. */
  statusLine: string | null;
  bytes: Buffer;
  /** The server closed the connection (else the timeout ended the exchange). */
  closed: boolean;
}

/**
 * Writes `request` raw and reads until the server closes or `timeoutMs` passes (or, with
 * `firstLine`, until the first line is in: a 101 keeps the connection open).
 */
export function exchange(
  port: number,
  request: string | Buffer,
  timeoutMs = 2000,
  firstLine = false,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      const end = bytes.indexOf('\r\n');
      const statusLine =
        bytes.length === 0 ? null : bytes.subarray(0, end === -1 ? bytes.length : end).toString('latin1');
      resolve({ statusLine, bytes, closed });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    // Not end(): Node's server drops a request whose client half-closed before the answer.
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (firstLine && chunk.includes('\r\n')) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

/** The status code of a complete exchange's first line, e.g. 404; 0 when there was none. */
export function statusOf(result: Exchange): number {
  return Number(/^HTTP\/1\.[01] (\d{3})/.exec(result.statusLine ?? '')?.[1] ?? 0);
}
