/**
 * IPC channel names shared by Electron's main process and preload. No imports: the sandboxed
 * preload can only require `electron`, so everything it bundles must be self-contained.
 */
export const IPC = {
  call: 'api:call',
  event: 'api:event',
} as const;
