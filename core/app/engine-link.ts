import type { EngineView } from '../api/contract';
import { Engine, EngineError } from '../docker';
import type { AppSink } from './app-sink';

/**
 * The one connection to Docker: connects on first need, keeps the engine view current and,
 * when the engine comes back after a loss, asks for the running lab to be re-adopted.
 */
export class EngineLink {
  #engine: Engine | null = null;
  #view: EngineView = { state: 'unknown', message: null, version: null };

  constructor(
    private readonly create: () => Engine,
    private readonly sink: AppSink,
    private readonly onReconnected: () => void,
  ) {}

  get view(): EngineView {
    return this.#view;
  }

  /** Connects (or reconnects); on failure the view says why and what to do. */
  async connect(): Promise<Engine> {
    if (!this.#engine) {
      this.#engine = this.create();
      this.#follow(this.#engine);
    }
    const engine = this.#engine;
    try {
      const info = await engine.connect();
      this.#view = { state: 'connected', message: null, version: info.version };
      engine.watch();
      return engine;
    } catch (error) {
      const message = error instanceof EngineError ? error.message : (error as Error).message;
      this.#view = { state: 'disconnected', message, version: null };
      this.sink.notice(
        'error',
        `Docker is not reachable: ${message} Or choose the demo runtime: built-in backends, no Docker needed.`,
      );
      throw error;
    }
  }

  close(): void {
    this.#engine?.close();
  }

  #follow(engine: Engine): void {
    engine.events.on('disconnected', ({ error }) => {
      this.#view = { state: 'disconnected', message: error.message, version: null };
      this.sink.log('lab', `engine: disconnected: ${error.message}`, 'stderr');
      this.sink.changed();
    });
    engine.events.on('connected', ({ info, reconnected }) => {
      this.#view = { state: 'connected', message: null, version: info.version };
      if (reconnected) this.onReconnected();
      this.sink.changed();
    });
  }
}
