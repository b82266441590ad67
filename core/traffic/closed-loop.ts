import { Connection, type ConnectionTarget, type ExchangeResult } from './connection';
import type { TrafficStats } from './stats';

/** N connections, each sending its next request as soon as the previous one finishes. */
export class ClosedLoop {
  readonly connections: Connection[];
  #running = false;

  constructor(
    target: ConnectionTarget,
    concurrency: number,
    private readonly stats: TrafficStats,
  ) {
    this.connections = Array.from(
      { length: concurrency },
      () => new Connection(target, (connection, result) => this.#onResult(connection, result)),
    );
  }

  get inFlight(): number {
    return this.connections.reduce((n, c) => n + (c.busy ? 1 : 0), 0);
  }

  start(): void {
    this.#running = true;
    for (const connection of this.connections) this.#send(connection);
  }

  /** Stops sending, closes every socket; returns how many requests were in flight. */
  stop(): number {
    this.#running = false;
    const inFlight = this.inFlight;
    for (const connection of this.connections) connection.destroy();
    return inFlight;
  }

  #send(connection: Connection): void {
    this.stats.sent++;
    connection.send();
  }

  #onResult(connection: Connection, result: ExchangeResult): void {
    const ms = performance.now() - connection.sentAt;
    this.stats.exchange(result, ms, ms);
    if (this.#running) this.#send(connection);
  }
}
