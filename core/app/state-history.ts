import type { BackendState } from '../api/contract';

/** Not down: it serves (draining finishes its requests and is not out of service, as HAProxy's DRAIN). */
const IN_SERVICE = new Set<BackendState>(['up', 'draining']);

interface History {
  state: BackendState;
  since: number;
  /** Time out of service, up to `since` (the current spell is added when asked). */
  downMs: number;
  /** Downtime counts from its first time in service: starting up is not an outage. */
  served: boolean;
  lastChange: number;
}

/**
 * What a backend's states add up to over time: its total downtime and when its state last
 * changed. It decides no state: it is shown the ones the state machine and the balancer's peer
 * decide (core/lab/backend-machine.ts) and keeps their transitions.
 */
export class StateHistory {
  readonly #backends = new Map<string, History>();

  observe(name: string, state: BackendState, now = Date.now()): void {
    const history = this.#backends.get(name);
    if (!history) {
      this.#backends.set(name, {
        state,
        since: now,
        downMs: 0,
        served: IN_SERVICE.has(state),
        lastChange: now,
      });
      return;
    }
    if (history.state === state) return;
    if (history.served && !IN_SERVICE.has(history.state)) history.downMs += now - history.since;
    if (IN_SERVICE.has(state)) history.served = true;
    history.state = state;
    history.since = now;
    history.lastChange = now;
  }

  /** Total time out of service since it first served, the current spell included. */
  downtimeMs(name: string, now = Date.now()): number {
    const history = this.#backends.get(name);
    if (!history) return 0;
    const current = history.served && !IN_SERVICE.has(history.state) ? now - history.since : 0;
    return history.downMs + current;
  }

  lastChangeAt(name: string): number | null {
    return this.#backends.get(name)?.lastChange ?? null;
  }

  /** A backend scaled away: its history goes with it. */
  forget(name: string): void {
    this.#backends.delete(name);
  }
}
