import { getContext, setContext } from 'svelte';
import {
  ApiError,
  type ApiClient,
  type CommandInput,
  type CommandName,
  type CommandResult,
} from '../../../../core/api/contract';
import type { Stores } from '../stores';
import { toApiError } from './client';

export type Outcome<C extends CommandName> =
  { ok: true; result: CommandResult<C> } | { ok: false; error: ApiError };

export interface SendOptions {
  /** Do not raise a notice on error: the caller shows it where it belongs. */
  quiet?: boolean;
}

export type Send = <C extends CommandName>(
  command: C,
  input: CommandInput<C>,
  options?: SendOptions,
) => Promise<Outcome<C>>;

/** What every component reaches: the stores to render, and `send` to ask the core for something. */
export interface Dashboard {
  stores: Stores;
  send: Send;
  /** Events that are no store's state: a terminal's output, for the one component drawing it. */
  on: ApiClient['on'];
  /** The desktop app's version (Electron only). */
  version: (() => Promise<string>) | null;
}

/** Commands never throw into components: errors come back as values and as a notice. */
export function createSend(client: ApiClient, stores: Stores): Send {
  return async (command, input, options = {}) => {
    try {
      return { ok: true, result: await client.call(command, input) };
    } catch (thrown) {
      const error = toApiError(thrown);
      if (!options.quiet) stores.notices.getState().push('error', `${command}: ${error.message}`);
      return { ok: false, error };
    }
  };
}

const KEY = Symbol('dashboard');

export function setDashboard(dashboard: Dashboard): void {
  setContext(KEY, dashboard);
}

export function getDashboard(): Dashboard {
  const dashboard = getContext<Dashboard | undefined>(KEY);
  if (!dashboard) throw new Error('no dashboard context: mount the component inside <App>');
  return dashboard;
}
