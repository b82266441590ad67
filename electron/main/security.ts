import {
  app,
  BrowserWindow,
  ipcMain,
  session,
  shell,
  type BrowserWindowConstructorOptions,
  type IpcMainInvokeEvent,
} from 'electron';
import { isDocumentationUrl } from '../../core/explain/doc-pages';
import { isAllowedExternalUrl, isAppUrl, isTrustedSender, type AppLocation } from './url-policy';

/**
 * The one place that hardens windows. `installSecurity` runs once before the first window and
 * covers every webContents the app ever creates; `createSecureWindow` forces safe webPreferences.
 */

const externalPorts = new Set<number>();
let appLocation: AppLocation | undefined;

/** Lets `http://127.0.0.1:PORT` / `http://localhost:PORT` links open in the system browser. */
export function allowExternalPort(port: number): void {
  externalPorts.add(port);
}

const isOwnPage = (url: string): boolean => appLocation !== undefined && isAppUrl(url, appLocation);

export function installSecurity(location: AppLocation): void {
  appLocation = location;

  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnPage(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isOwnPage(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // The explanations' documentation links (nginx.org, docs.docker.com...) open in the browser too.
      if (isAllowedExternalUrl(url, externalPorts) || isDocumentationUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

export function createSecureWindow(
  options: Omit<BrowserWindowConstructorOptions, 'webPreferences'> & { preload: string },
): BrowserWindow {
  const { preload, ...windowOptions } = options;
  return new BrowserWindow({
    ...windowOptions,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
    },
  });
}

/** `ipcMain.handle`, but only for calls from the app's own top-level page. */
export function handle<T>(
  channel: string,
  listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => T | Promise<T>,
): void {
  ipcMain.handle(channel, (event, ...args) => {
    const frame = event.senderFrame;
    if (!appLocation || !isTrustedSender(frame, appLocation)) {
      throw new Error(`Refused IPC '${channel}' from ${frame?.url ?? 'a destroyed frame'}`);
    }
    return listener(event, ...args);
  });
}
