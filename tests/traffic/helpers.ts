import http from 'node:http';
import net from 'node:net';
import { expect } from 'vitest';
import { TrafficGenerator, type TrafficGeneratorOptions, type TrafficSample } from '../../core/traffic';

/** A local HTTP server that counts its connections and the requests in flight. */
export interface TestServer {
  url: string;
  port: number;
  openConnections(): number;
  /** Connections accepted since the start. */
  connectionsAccepted(): number;
  /** Requests received and not yet answered. */
  inFlight(): number;
  requests(): number;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, index: number) => void;

const cleanups: Array<() => unknown> = [];

/** For `afterEach`: closes every server and generator of the test, last first. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()!();
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  let inFlight = 0;
  let requests = 0;
  let accepted = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    res.once('finish', () => inFlight--);
    res.once('close', () => {
      if (!res.writableFinished) inFlight--;
    });
    handler(req, res, requests++);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    accepted++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  cleanups.push(close);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    openConnections: () => sockets.size,
    connectionsAccepted: () => accepted,
    inFlight: () => inFlight,
    requests: () => requests,
    close,
  };
}

/** A generator stopped after the test whatever happens. */
export function generator(options: TrafficGeneratorOptions): TrafficGenerator {
  const g = new TrafficGenerator(options);
  cleanups.push(() => g.stop());
  return g;
}

export function collectSamples(g: TrafficGenerator): TrafficSample[] {
  const samples: TrafficSample[] = [];
  g.on('sample', (s) => samples.push(s));
  return samples;
}

/** Answers after `ms`, `{"ok":true}`. */
export function delayed(ms: (index: number) => number): Handler {
  return (_req, res, index) => {
    setTimeout(() => res.end('{"ok":true}'), ms(index));
  };
}

export async function eventually(check: () => void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** A port nothing listens on (bound, then closed). */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function expectWithin(
  value: number | null | undefined,
  low: number,
  high: number,
  what: string,
): void {
  expect(value, what).not.toBeNull();
  expect(value, `${what} = ${value}, expected ${low}..${high}`).toBeGreaterThanOrEqual(low);
  expect(value, `${what} = ${value}, expected ${low}..${high}`).toBeLessThanOrEqual(high);
}
