import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { z } from 'zod';
import { Emitter } from '../events/emitter';
import { resolveEndpoint } from './endpoint';
import type { Endpoint, ResolveOptions } from './endpoint';
import { EngineError, explainEngineError } from './engine-errors';

export interface EngineInfo {
  endpoint: Endpoint;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** Podman's Docker-compatible API answers too; some features differ. */
  podman: boolean;
}

export interface EngineEvents {
  connected: { info: EngineInfo; reconnected: boolean };
  disconnected: { error: EngineError };
}

const versionReply = z.object({
  Version: z.string(),
  ApiVersion: z.string(),
  Os: z.string().default(''),
  Arch: z.string().default(''),
  Components: z.array(z.object({ Name: z.string() })).nullish(),
});

/** dockerode options for an endpoint, overriding every value docker-modem would read from the environment. */
export function dockerOptions(
  endpoint: Endpoint,
  env: NodeJS.ProcessEnv = process.env,
): Docker.DockerOptions {
  const cleared: Docker.DockerOptions = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: 'http',
  };
  const a = endpoint.address;
  switch (a.kind) {
    case 'unix':
    case 'npipe':
      return { ...cleared, socketPath: a.path };
    case 'ssh':
      return {
        ...cleared,
        protocol: 'ssh',
        host: a.host,
        port: a.port,
        ...(a.user ? { username: a.user } : {}),
        sshOptions: env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {},
      };
    case 'tcp': {
      if (!a.tls) return { ...cleared, host: a.host, port: a.port };
      const read = (file: string) => {
        const path = endpoint.tlsDir ? join(endpoint.tlsDir, file) : undefined;
        return path && existsSync(path) ? readFileSync(path) : undefined;
      };
      return {
        ...cleared,
        protocol: 'https',
        host: a.host,
        port: a.port,
        ca: read('ca.pem'),
        cert: read('cert.pem'),
        key: read('key.pem'),
      };
    }
  }
}

/** A dockerode client for the endpoint; nothing is sent yet. */
export function createDocker(endpoint: Endpoint, env: NodeJS.ProcessEnv = process.env): Docker {
  try {
    return new Docker(dockerOptions(endpoint, env));
  } catch (error) {
    // docker-modem also parses DOCKER_HOST and DOCKER_CERT_PATH itself, and throws on bad values.
    throw new EngineError(
      'bad-host',
      `Cannot set up a client for ${endpoint.url}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

// dockerode passes `abortSignal` through for ping and version; its type declarations do not say so.
interface Abortable {
  ping(options: { abortSignal: AbortSignal }): Promise<unknown>;
  version(options: { abortSignal: AbortSignal }): Promise<unknown>;
}
const abortable = (docker: Docker): Abortable => docker as unknown as Abortable;

/** Pings the engine and reads its version; failures come back explained. */
export async function probeEngine(docker: Docker, endpoint: Endpoint, timeoutMs = 5000): Promise<EngineInfo> {
  try {
    await abortable(docker).ping({ abortSignal: AbortSignal.timeout(timeoutMs) });
    const reply = versionReply.safeParse(
      await abortable(docker).version({ abortSignal: AbortSignal.timeout(timeoutMs) }),
    );
    if (!reply.success) {
      throw new EngineError(
        'not-docker',
        `${endpoint.url} answered /_ping but its /version is not Docker's.`,
      );
    }
    const { Version, ApiVersion, Os, Arch, Components } = reply.data;
    const podman = (Components ?? []).some((c) => /podman/i.test(c.Name));
    return { endpoint, version: Version, apiVersion: ApiVersion, os: Os, arch: Arch, podman };
  } catch (error) {
    throw explainEngineError(error, endpoint);
  }
}

export interface EngineOptions extends ResolveOptions {
  /** Use this endpoint instead of resolving one from the environment. */
  endpoint?: Endpoint;
  /** How often a connected engine is pinged to notice that it went away. */
  checkIntervalMs?: number;
  /** Reconnect backoff: the first delay, doubled after each failure up to the maximum. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  timeoutMs?: number;
}

/**
 * One Docker engine: resolves where it is, connects (ping + version) and, once `watch()`ed,
 * notices when it goes away and reconnects with backoff. On `connected` after a loss the owner
 * re-adopts its labs (`lab.adopt()`), since event and log streams ended with the connection.
 */
export class Engine {
  readonly events = new Emitter<EngineEvents>();
  readonly endpoint: Endpoint;
  readonly docker: Docker;
  #info: EngineInfo | undefined;
  #lastError: EngineError | undefined;
  #timer: NodeJS.Timeout | undefined;
  #watching = false;
  #everConnected = false;
  #delay: number;

  constructor(private readonly options: EngineOptions = {}) {
    this.endpoint = options.endpoint ?? resolveEndpoint(options);
    this.docker = createDocker(this.endpoint, options.env);
    this.#delay = options.retryInitialMs ?? 250;
  }

  get info(): EngineInfo | undefined {
    return this.#info;
  }

  get connected(): boolean {
    return this.#info !== undefined;
  }

  get lastError(): EngineError | undefined {
    return this.#lastError;
  }

  /** Connects once; throws an EngineError that says what to do. */
  async connect(): Promise<EngineInfo> {
    try {
      const info = await probeEngine(this.docker, this.endpoint, this.options.timeoutMs);
      this.#markConnected(info);
      return info;
    } catch (error) {
      this.#markDisconnected(error as EngineError);
      throw error;
    }
  }

  /**
   * Keeps checking the engine: pings while connected, retries with backoff while not.
   * `disconnected` is sent when a connected engine is lost; before the first connection,
   * `lastError` says why it cannot connect.
   */
  watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.#schedule(0);
  }

  close(): void {
    this.#watching = false;
    clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    if (!this.#watching) return;
    this.#timer = setTimeout(() => void this.#check(), ms);
    this.#timer.unref();
  }

  async #check(): Promise<void> {
    try {
      if (this.#info)
        await abortable(this.docker).ping({
          abortSignal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        });
      else await this.connect();
      this.#schedule(this.options.checkIntervalMs ?? 2000);
    } catch (error) {
      this.#markDisconnected(explainEngineError(error, this.endpoint));
      this.#schedule(this.#delay);
      this.#delay = Math.min(this.#delay * 2, this.options.retryMaxMs ?? 5000);
    }
  }

  #markConnected(info: EngineInfo): void {
    const wasConnected = this.#info !== undefined;
    this.#info = info;
    this.#lastError = undefined;
    this.#delay = this.options.retryInitialMs ?? 250;
    if (!wasConnected) this.events.emit('connected', { info, reconnected: this.#everConnected });
    this.#everConnected = true;
  }

  #markDisconnected(error: EngineError): void {
    const wasConnected = this.#info !== undefined;
    this.#info = undefined;
    this.#lastError = error;
    if (wasConnected) this.events.emit('disconnected', { error });
  }
}

/** Resolves the endpoint, connects, and returns the engine (not yet watched). */
export async function connectEngine(options: EngineOptions = {}): Promise<Engine> {
  const engine = new Engine(options);
  await engine.connect();
  return engine;
}
