/**
 * Pure URL rules behind the window hardening in security.ts (no electron import, so they are
 * unit-tested without the Electron binary).
 */

/** Where the app's own page lives: the dev server, or the built index.html as a file: URL. */
export type AppLocation = { devServer: string } | { indexHtml: string };

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** True when `url` is the app's own page (any hash or query), never another file or origin. */
export function isAppUrl(url: string, app: AppLocation): boolean {
  const target = parse(url);
  if (!target) return false;
  if ('devServer' in app) return target.origin === new URL(app.devServer).origin;
  return (
    target.protocol === 'file:' && target.host === '' && target.pathname === new URL(app.indexHtml).pathname
  );
}

/**
 * Links the app may hand to the system browser: the balancer's own pages on the loopback
 * interface, on a port the app has allowlisted, with no credentials in the URL.
 */
export function isAllowedExternalUrl(url: string, allowedPorts: ReadonlySet<number>): boolean {
  const target = parse(url);
  if (!target || target.protocol !== 'http:' || target.username || target.password) return false;
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') return false;
  return target.port !== '' && allowedPorts.has(Number(target.port));
}

/** The sender of an IPC message, as much of Electron's WebFrameMain as the check needs. */
export interface SenderFrame {
  url: string;
  /** null for a top-level frame. */
  parent: unknown;
}

/** IPC is answered only for the app's own top-level page: never a subframe or another origin. */
export function isTrustedSender(frame: SenderFrame | null | undefined, app: AppLocation): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url, app);
}
