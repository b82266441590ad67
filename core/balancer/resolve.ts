import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ServerConfig } from './config';
import type { PeerAddress } from './peer';

/**
 * Turns a `server` line into the addresses it stands for. A lab's resolver also names the peer
 * (`backend2`) and starts it unhealthy until its replica answers.
 */
export type ServerResolver = (
  server: ServerConfig,
) => Promise<{ addresses: PeerAddress[]; name?: string; healthy?: boolean }>;

export function splitHostPort(address: string): PeerAddress {
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    const port = address.slice(end + 1).startsWith(':') ? Number(address.slice(end + 2)) : 80;
    return { host: address.slice(1, end), port };
  }
  const colon = address.lastIndexOf(':');
  if (colon !== -1 && /^\d+$/.test(address.slice(colon + 1))) {
    return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
  }
  return { host: address, port: 80 };
}

/** nginx resolves each server name once at start and makes one peer per address. */
export const resolveWithDns: ServerResolver = async (server) => {
  if (server.address.toLowerCase().startsWith('unix:')) {
    throw new Error(`unix sockets are not supported in upstream "${server.address}"`);
  }
  const { host, port } = splitHostPort(server.address);
  if (isIP(host)) return { addresses: [{ host, port }] };
  try {
    const found = await lookup(host, { all: true });
    const unique = [...new Set(found.map((a) => a.address))];
    return { addresses: unique.map((address) => ({ host: address, port })) };
  } catch {
    throw new Error(`host not found in upstream "${server.address}"`);
  }
};
