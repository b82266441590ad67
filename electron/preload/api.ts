/**
 * The whole surface the renderer sees as `window.api`, and the IPC channel behind each method.
 * Types and constants only: imported by main, preload and (as types) the renderer.
 */
export const channels = {
  version: 'app:version',
} as const;

export interface ExposedApi {
  /** The app's version from package.json. */
  version(): Promise<string>;
}
