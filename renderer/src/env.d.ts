import type { ExposedApi } from '../../electron/preload/api';

declare global {
  interface Window {
    /** Present in the desktop app (set by the preload); absent in a plain browser. */
    api?: ExposedApi;
  }
}
