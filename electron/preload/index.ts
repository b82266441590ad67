import { contextBridge, ipcRenderer } from 'electron';
import { channels, type ExposedApi } from './api';

// Named functions only: the page never sees ipcRenderer or any channel name.
const api: ExposedApi = {
  version: () => ipcRenderer.invoke(channels.version),
};

contextBridge.exposeInMainWorld('api', api);
