import { Connection, type ConnectionTarget, type ExchangeResult } from './connection';
import type { TrafficStats } from './stats';

const TICK_MS = 1;
/** Sent this much after its due time, a request counts as late. */
const LATE_MS = 10;

export interface OpenLoopLimits {
  maxConnections: number;
  maxInFlight: number;
}

/**
 * Requests on a fixed schedule (request k is due at start + k / rate) whatever the server does.
 * A 1 ms tick sends every request that has come due, so high rates need no timer per request.
 * A due request takes an idle connection, or opens one, or waits for one; latency counts from its
 * due time, so waiting (on a stalled server, say) shows in the figures instead of being omitted.
 */
export class OpenLoop {
  readonly connections: Connection[] = [];
  readonly #idle: Connection[] = [];
  #queue: number[] = [];
  #queueHead = 0;
  #timer: NodeJS.Timeout | null = null;
  #startedAt = 0;
  #endAt = Infinity;
  #scheduled = 0;
  readonly #intervalMs: number;

  constructor(
    private readonly target: ConnectionTarget,
    rate: number,
    private readonly stats: TrafficStats,
    private readonly limits: OpenLoopLimits,
  ) {
    this.#intervalMs = 1000 / rate;
  }

  get inFlight(): number {
    return this.connections.length - this.#idle.length;
  }

  get waiting(): number {
    return this.#queue.length - this.#queueHead;
  }

  /** @param endAt no request is due from then on (performance.now() time). */
  start(startedAt: number, endAt = Infinity): void {
    this.#startedAt = startedAt;
    this.#endAt = endAt;
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#tick();
  }

  /** Stops sending, closes every socket; returns how many requests were in flight or waiting. */
  stop(): number {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const unfinished = this.inFlight + this.waiting;
    for (const connection of this.connections) connection.destroy();
    this.#idle.length = 0;
    this.connections.length = 0;
    this.#queue = [];
    this.#queueHead = 0;
    return unfinished;
  }

  #tick(): void {
    const now = Math.min(performance.now(), this.#endAt - 0.001);
    const due = Math.floor((now - this.#startedAt) / this.#intervalMs) + 1;
    while (this.#scheduled < due && this.#timer) {
      this.#dispatch(this.#startedAt + this.#scheduled * this.#intervalMs);
      this.#scheduled++;
    }
  }

  #dispatch(dueAt: number): void {
    if (this.inFlight + this.waiting >= this.limits.maxInFlight) {
      this.stats.dropped++;
      return;
    }
    const connection = this.#idle.pop() ?? this.#newConnection();
    if (connection) this.#send(connection, dueAt);
    else this.#queue.push(dueAt);
  }

  #newConnection(): Connection | null {
    if (this.connections.length >= this.limits.maxConnections) return null;
    const connection = new Connection(this.target, (c, result) => this.#onResult(c, result));
    this.connections.push(connection);
    return connection;
  }

  #send(connection: Connection, dueAt: number): void {
    this.stats.sent++;
    if (performance.now() - dueAt > LATE_MS) this.stats.late++;
    connection.send(dueAt);
  }

  #onResult(connection: Connection, result: ExchangeResult): void {
    const now = performance.now();
    this.stats.exchange(result, now - connection.intendedAt, now - connection.sentAt);
    if (!this.#timer) return;
    if (this.waiting > 0) {
      this.#send(connection, this.#queue[this.#queueHead++]!);
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#queueHead);
        this.#queueHead = 0;
      }
    } else {
      this.#idle.push(connection);
    }
  }
}
