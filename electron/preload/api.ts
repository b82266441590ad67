/**
 * The whole surface the renderer sees as `window.api`: the core's ApiClient (commands and events,
 * core/api/contract.ts) plus the app version. Types only here; main and preload share IPC names
 * from core/api/wire.ts.
 */
import type { ApiClient } from '../../core/api/contract';

export const channels = {
  version: 'app:version',
} as const;

export interface ExposedApi extends ApiClient {
  /** The app's version from package.json. */
  version(): Promise<string>;
}
