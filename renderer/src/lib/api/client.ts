import {
  ApiError,
  type ApiClient,
  type ApiErrorShape,
  type ApiEvents,
  type CommandInput,
  type CommandName,
  type CommandResult,
  type EventName,
} from '../../../../core/api/contract';
import { CallTracker } from '../../../../core/api/call-tracker';

/** Where the transport stands: `open` once the socket is up; `closed` while waiting to reconnect. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why the last connection ended, when it did. */
  reason: string | null;
  /** When the next attempt starts (epoch ms), while closed. */
  retryAt: number | null;
  /** Successful connections so far: a new one after the first is a reconnect. */
  connections: number;
}

/** A client that can tell the page whether it is connected (the WebSocket one). */
export interface ConnectedClient extends ApiClient {
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Tries to connect now instead of waiting for the backoff. */
  reconnect(): void;
}

export interface WebSocketClientOptions {
  /** First retry delay; doubled per failure up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** For tests: the WebSocket constructor. */
  WebSocket?: typeof WebSocket;
}

/** Rebuilds the core's error (its kind survives the hop; `at` for config errors). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError({ name: error.name, message: error.message });
  if (error && typeof error === 'object' && 'message' in error) return new ApiError(error as ApiErrorShape);
  return new ApiError({ name: 'Error', message: String(error) });
}

/**
 * The headless dashboard's transport: `{id, command, input}` out, `{id, result}` or `{id, error}`
 * and `{event, payload}` back, over `ws(s)://HOST/api?token=...`. Reconnects with backoff; calls
 * in flight when the socket closes are rejected (the core may or may not have run them).
 */
export class WebSocketClient implements ConnectedClient {
  private socket: WebSocket | null = null;
  private readonly calls = new CallTracker(
    (shape) => new ApiError(shape),
    (event, error) => console.error(`listener for "${event}" failed`, error),
  );
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private status: ConnectionStatus = { state: 'connecting', reason: null, retryAt: null, connections: 0 };
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closedByUser = false;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly Socket: typeof WebSocket;

  constructor(
    readonly url: string,
    options: WebSocketClientOptions = {},
  ) {
    this.minDelayMs = options.minDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.Socket = options.WebSocket ?? WebSocket;
    this.open();
  }

  /** The API address for a page served by the dashboard server: same host, `/api`, the page's token. */
  static urlFor(location: Location, token: string): string {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
  }

  call<C extends CommandName>(command: C, input: CommandInput<C>): Promise<CommandResult<C>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== this.Socket.OPEN) {
      return Promise.reject(
        new ApiError({ name: 'DisconnectedError', message: 'not connected to the lab: reconnecting…' }),
      );
    }
    const { message, reply } = this.calls.call(command, input);
    socket.send(JSON.stringify(message));
    return reply as Promise<CommandResult<C>>;
  }

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    return this.calls.on(event, listener);
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => void this.statusListeners.delete(listener);
  }

  reconnect(): void {
    if (this.status.state !== 'closed') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.open();
  }

  /** Closes for good (page teardown, tests). */
  close(): void {
    this.closedByUser = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
  }

  private setStatus(patch: Partial<ConnectionStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const listener of this.statusListeners) listener(this.status);
  }

  private open(): void {
    this.setStatus({ state: 'connecting', retryAt: null });
    let socket: WebSocket;
    try {
      socket = new this.Socket(this.url);
    } catch (error) {
      this.onClosed(`cannot open ${this.url}: ${(error as Error).message}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.failures = 0;
      this.setStatus({ state: 'open', reason: null, connections: this.status.connections + 1 });
    };
    socket.onmessage = (message: MessageEvent) => {
      if (typeof message.data === 'string') this.onMessage(message.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.onClosed(
        event.reason ||
          (this.status.state === 'open'
            ? 'the connection to the lab closed'
            : 'cannot reach the lab: is `upstream-lab up --dashboard` still running?'),
      );
    };
  }

  private onClosed(reason: string): void {
    const error = new ApiError({
      name: 'DisconnectedError',
      message: `the connection closed before the lab answered: ${reason}`,
    });
    this.calls.failAll(error);
    if (this.closedByUser) {
      this.setStatus({ state: 'closed', reason, retryAt: null });
      return;
    }
    const delay = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** this.failures);
    this.failures++;
    this.setStatus({ state: 'closed', reason, retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private onMessage(text: string): void {
    this.calls.receive(text);
  }
}

/** Electron's `window.api`: the same interface; its errors are rebuilt as ApiError here. */
export function wrapIpcClient(api: ApiClient): ApiClient {
  return {
    call: (command, input) =>
      api.call(command, input).catch((error: unknown) => Promise.reject(toApiError(error))),
    on: (event, listener) => api.on(event, listener),
  };
}

export function isConnectedClient(client: ApiClient): client is ConnectedClient {
  return typeof (client as Partial<ConnectedClient>).onStatus === 'function';
}

/**
 * The renderer's one client: Electron's preload API when present, otherwise the headless
 * dashboard's WebSocket with the page's token; null when neither is available.
 */
export function createClient(win: Window): ApiClient | null {
  if (win.api) return wrapIpcClient(win.api);
  const token = new URL(win.location.href).searchParams.get('token');
  if (!token) return null;
  return new WebSocketClient(WebSocketClient.urlFor(win.location, token));
}
