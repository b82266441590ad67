import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvents, CommandName, EventName } from '../../core/api/contract';
import { IPC } from '../../core/api/ipc-channels';
import type { EventMessage, ReplyMessage } from '../../core/api/wire';
import { channels, type ExposedApi } from './api';

let nextId = 1;

// Named functions only: the page never sees ipcRenderer or any channel name.
const api: ExposedApi = {
  version: () => ipcRenderer.invoke(channels.version),
  async call(command: CommandName, input: unknown) {
    const reply = (await ipcRenderer.invoke(IPC.call, { id: nextId++, command, input })) as ReplyMessage;
    if ('error' in reply) throw Object.assign(new Error(reply.error.message), { name: reply.error.name });
    return reply.result as never;
  },
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
    const handler = (_event: IpcRendererEvent, message: EventMessage): void => {
      if (message.event === event) listener(message.payload as ApiEvents[E]);
    };
    ipcRenderer.on(IPC.event, handler);
    return () => void ipcRenderer.off(IPC.event, handler);
  },
};

contextBridge.exposeInMainWorld('api', api);
