import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { channels } from '../preload/api';
import { createSecureWindow, handle, installSecurity } from './security';
import type { AppLocation } from './url-policy';

const preload = join(import.meta.dirname, '../preload/index.cjs');
const indexHtml = join(import.meta.dirname, '../renderer/index.html');
// electron-vite dev serves the renderer over http and says where in ELECTRON_RENDERER_URL.
const devServer = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const location: AppLocation = devServer ? { devServer } : { indexHtml: pathToFileURL(indexHtml).href };

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
  void (devServer ? window.loadURL(devServer) : window.loadFile(indexHtml));
}

void app.whenReady().then(() => {
  installSecurity(location);
  handle(channels.version, () => app.getVersion());
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
