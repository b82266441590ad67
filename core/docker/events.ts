import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LineSplitter } from '../logs/lines';
import { LABEL_BACKEND, LABEL_LAB, labFilter } from './labels';

export const CONTAINER_ACTIONS = [
  'create',
  'start',
  'die',
  'stop',
  'kill',
  'pause',
  'unpause',
  'restart',
  'oom',
  'health_status',
  'destroy',
  'connect',
  'disconnect',
] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** One engine event about a lab container, as it happened. */
export interface ContainerEvent {
  action: ContainerAction;
  id: string;
  /** `backend2`, or '' for a network event about a container we do not know. */
  name: string;
  /** `<lab>-backend2` (container events only). */
  container: string;
  /** Engine time, epoch milliseconds. */
  time: number;
  exitCode?: number;
  /** kill: the signal number as Docker reports it (9 for SIGKILL). */
  signal?: string;
  /** health_status: healthy / unhealthy / starting. */
  health?: string;
  /** connect / disconnect: the network's name. */
  network?: string;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

export interface EventFollowerOptions {
  lab: string;
  network: string;
  onEvent: (event: ContainerEvent) => void;
  /** Both streams closed: the engine went away or the follower was stopped. */
  onEnd?: (error?: Error) => void;
}

/**
 * Follows the engine's event stream for one lab: container events filtered by the lab label,
 * and network connect/disconnect on the lab network (network events carry no container labels,
 * so they come from a second stream filtered by network). Pushed by the engine, not polled.
 */
export class EventFollower {
  readonly #streams: Readable[] = [];
  #stopped = false;
  #open = 0;

  constructor(
    private readonly docker: Docker,
    private readonly options: EventFollowerOptions,
  ) {}

  /** Resolves once both subscriptions are open, so nothing after this call is missed. */
  async start(): Promise<void> {
    const { lab, network } = this.options;
    const opened = await Promise.allSettled([
      this.docker.getEvents({ filters: { type: ['container'], label: [labFilter(lab)] } }),
      this.docker.getEvents({
        filters: { type: ['network'], network: [network], event: ['connect', 'disconnect'] },
      }),
    ]);
    const streams = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value as Readable] : []));
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed) {
      for (const stream of streams) stream.destroy();
      throw failed.reason;
    }
    for (const stream of streams) this.#attach(stream);
  }

  stop(): void {
    this.#stopped = true;
    for (const stream of this.#streams) stream.destroy();
    this.#streams.length = 0;
  }

  #attach(stream: Readable): void {
    if (this.#stopped) {
      stream.destroy();
      return;
    }
    this.#streams.push(stream);
    this.#open++;
    const lines = new LineSplitter();
    let closed = false;
    const close = (error?: Error) => {
      if (closed) return;
      closed = true;
      if (--this.#open === 0)
        this.options.onEnd?.(
          this.#stopped ? undefined : (error ?? new Error('the engine closed the event stream')),
        );
    };
    stream.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) this.#handle(line);
    });
    stream.on('error', close);
    stream.on('close', () => close());
    stream.on('end', () => close());
  }

  #handle(line: string): void {
    if (!line.trim()) return;
    let raw: RawEvent;
    try {
      raw = JSON.parse(line) as RawEvent;
    } catch {
      return;
    }
    const event = toContainerEvent(raw, this.options.lab);
    if (event) this.options.onEvent(event);
  }
}

export function toContainerEvent(raw: RawEvent, lab: string): ContainerEvent | undefined {
  const attributes = raw.Actor?.Attributes ?? {};
  const [actionWord, detail] = (raw.Action ?? '').split(': ');
  const action = CONTAINER_ACTIONS.find((a) => a === actionWord);
  if (!action) return undefined;
  const time = raw.timeNano ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000;

  if (raw.Type === 'network') {
    if (action !== 'connect' && action !== 'disconnect') return undefined;
    return {
      action,
      id: attributes.container ?? '',
      name: '',
      container: '',
      time,
      network: attributes.name ?? '',
    };
  }
  if (raw.Type !== 'container' || attributes[LABEL_LAB] !== lab) return undefined;
  const event: ContainerEvent = {
    action,
    id: raw.Actor?.ID ?? '',
    name: attributes[LABEL_BACKEND] ?? '',
    container: attributes.name ?? '',
    time,
  };
  if (attributes.exitCode !== undefined) event.exitCode = Number(attributes.exitCode);
  if (action === 'kill' && attributes.signal) event.signal = attributes.signal;
  if (action === 'health_status' && detail) event.health = detail;
  return event;
}
