import type { BackendAction, BackendState } from '../api/contract';
import type { PeerSnapshot } from '../balancer/snapshot';
import type { DownReason } from './runtime';

/** What one backend's replica is doing, as its runtime and the user's requests say. */
type Phase =
  | { kind: 'starting' }
  | { kind: 'ready' }
  | {
      kind: 'down';
      fault: Extract<BackendState, 'killed' | 'stopped' | 'paused' | 'disconnected' | 'exited' | 'removed'>;
    };

export type BackendInput =
  | { type: 'created' | 'adopted'; container: string }
  | { type: 'ready'; container: string }
  | { type: 'requested'; action: BackendAction }
  | { type: 'down'; container: string; reason: DownReason; exitCode?: number };

/**
 * One backend's state machine: the runtime's events and the faults asked for move it; the
 * balancer's peer (its own facts: admin state, health, failures) is read, never copied. The one
 * place a backend's state is decided.
 */
export class BackendMachine {
  #phase: Phase = { kind: 'starting' };
  #container: string | null = null;
  /** The last fault asked for, to tell a kill from a stop when the container dies. */
  #requested: BackendAction | null = null;

  get container(): string | null {
    return this.#container;
  }

  get ready(): boolean {
    return this.#phase.kind === 'ready';
  }

  apply(input: BackendInput): void {
    switch (input.type) {
      case 'created':
      case 'adopted':
        this.#container = input.container;
        this.#phase = { kind: 'starting' };
        return;
      case 'ready':
        this.#container = input.container;
        // Back in service: whatever was asked before is done with.
        if (this.#phase.kind !== 'ready') this.#requested = null;
        this.#phase = { kind: 'ready' };
        return;
      case 'requested':
        this.#requested = input.action;
        return;
      case 'down':
        this.#container = input.container;
        this.#phase = { kind: 'down', fault: this.#faultOf(input.reason, input.exitCode) };
        return;
    }
  }

  /** The state shown for this backend, given the balancer's peer of it (if it has one yet). */
  state(peer: PeerSnapshot | undefined): BackendState {
    if (this.#phase.kind === 'down') return this.#phase.fault;
    if (this.#phase.kind === 'starting') return 'starting';
    return peerState(peer);
  }

  #faultOf(reason: DownReason, exitCode: number | undefined): Extract<Phase, { kind: 'down' }>['fault'] {
    if (reason === 'removed') return 'removed';
    if (reason === 'paused') return 'paused';
    if (reason === 'disconnected') return 'disconnected';
    if (this.#requested === 'stop') return 'stopped';
    if (this.#requested === 'kill' || exitCode === 137) return 'killed';
    return 'exited';
  }
}

/** A backend the balancer knows but no runtime replica reports (yet), or a ready one. */
export function peerState(peer: PeerSnapshot | undefined): BackendState {
  if (!peer) return 'starting';
  if (peer.admin === 'drain') return 'draining';
  if (peer.admin === 'maintenance') return 'maintenance';
  if (!peer.healthy) return 'unhealthy';
  if (peer.failed) return 'failed';
  return 'up';
}
