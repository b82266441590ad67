import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** 0.0.0.0 and ::, which mean "every interface" to listen() and nothing as an address to visit. */
export function isUnspecified(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare === '0.0.0.0' || bare === '::' || bare === '0:0:0:0:0:0:0:0';
}

const hostPort = (host: string, port: number): string =>
  `${isIP(host) === 6 ? `[${host}]` : host}:${port}`.toLowerCase();

/**
 * The Host values a dashboard listening on `host:port` answers to: the addresses a browser can
 * have used to reach it. Never 0.0.0.0 or ::, so a page cannot rebind a name to them.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set<string>();
  if (!isUnspecified(host)) names.add(hostPort(host, port));
  if (isLoopback(host)) names.add(hostPort('localhost', port));
  if (isUnspecified(host)) {
    names.add(hostPort('localhost', port));
    names.add(hostPort(hostname(), port));
    for (const addresses of Object.values(networkInterfaces())) {
      for (const { address } of addresses ?? []) names.add(hostPort(address.replace(/%.*$/, ''), port));
    }
  }
  return names;
}
