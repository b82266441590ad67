import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { App } from '../../core/app/app';
import { installLastResort } from '../../core/cli/signals';
import { channels } from '../preload/api';
import { forwardEvents, serveApiOverIpc } from './ipc';
import { allowExternalPort, createSecureWindow, handle, installSecurity } from './security';
import type { AppLocation } from './url-policy';

const preload = join(import.meta.dirname, '../preload/index.cjs');
const indexHtml = join(import.meta.dirname, '../renderer/index.html');
// electron-vite dev serves the renderer over http and says where in ELECTRON_RENDERER_URL.
const devServer = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const location: AppLocation = devServer ? { devServer } : { indexHtml: pathToFileURL(indexHtml).href };

// The core lives in the main process; the window only sends commands and renders events.
const core = new App();
core.events.on('lab', (view) => {
  const port = view.url ? Number(new URL(view.url).port) : 0;
  if (port) allowExternalPort(port);
});

function createWindow(): void {
  const window = createSecureWindow({
    width: 1280,
    height: 800,
    show: false,
    title: 'Upstream Lab',
    autoHideMenuBar: true,
    preload,
  });
  window.once('ready-to-show', () => window.show());
  const stopForwarding = forwardEvents(core, window.webContents);
  window.on('closed', stopForwarding);
  // `--lang=fa` (npm start -- --lang fa) opens the window in that language; otherwise the OS's.
  const lang = /^--lang=(en|fa)$/.exec(process.argv.find((arg) => arg.startsWith('--lang=')) ?? '')?.[1];
  const query = lang ? { lang } : undefined;
  void (devServer
    ? window.loadURL(lang ? `${devServer}?lang=${lang}` : devServer)
    : window.loadFile(indexHtml, query ? { query } : {}));
}

void app.whenReady().then(() => {
  installSecurity(location);
  handle(channels.version, () => app.getVersion());
  serveApiOverIpc(core);
  // The last lab's settings come back, and containers an earlier run left are offered for adoption.
  void core
    .restore()
    .catch((error: Error) => console.error(`could not restore the last lab: ${error.message}`))
    .then(() => core.call('leftovers.scan', {}))
    .catch((error: Error) => console.error(`could not look for leftover labs: ${error.message}`));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// An error nothing caught: printed once, the lab's containers removed, then the app exits.
installLastResort({ cleanup: () => core.close(), exit: (code) => app.exit(code) });

// Leave no containers behind: stop the lab before quitting.
let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  event.preventDefault();
  quitting = true;
  void core.close().finally(() => app.quit());
});
