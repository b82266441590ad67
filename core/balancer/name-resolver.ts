import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { ResolverConfig } from './config';
import { decodeAnswer, encodeQuery, TYPE_A, TYPE_AAAA, type DnsAnswer } from './dns-message';
import { splitHostPort } from './resolve';

/** Addresses of a name, or nginx's resolver error code (3: Host not found, 110: timed out). */
export type Resolution = { addresses: string[] } | { code: number };

export const TIMED_OUT = 110;
const NXDOMAIN = 3;
/** nginx's resend_timeout: a query is sent again, to the next name server, after 5s. */
const RESEND_MS = 5000;
/** How long nginx keeps a "Host not found" when `valid=` does not say. */
const NEGATIVE_SEC = 10;
/** Names kept at most; the oldest answer goes first. */
const CACHE_LIMIT = 1024;

const ERRORS = ['Format error', 'Server failure', 'Host not found', 'Unimplemented', 'Operation refused'];

/** ngx_resolver_strerror's wording, as the error log shows it. */
export function resolutionError(name: string, code: number): string {
  const text = code === TIMED_OUT ? 'Operation timed out' : (ERRORS[code - 1] ?? 'Unknown error');
  return `${name} could not be resolved (${code}: ${text})`;
}

/** ngx_resolver_export: each family's list starts at a random address, for each request. */
function rotated(result: Resolution): Resolution {
  if ('code' in result) return result;
  const spin = (list: string[]): string[] => {
    const start = list.length > 1 ? randomInt(list.length) : 0;
    return [...list.slice(start), ...list.slice(0, start)];
  };
  const v4 = result.addresses.filter((address) => !address.includes(':'));
  const v6 = result.addresses.filter((address) => address.includes(':'));
  return { addresses: [...spin(v4), ...spin(v6)] };
}

/** The name nginx asks for and logs: one trailing dot dropped. */
export function queryName(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

interface Cached {
  expiresMs: number;
  result: Resolution;
}

/**
 * nginx's `resolver`: A (and with ipv6=on AAAA) queries over UDP to the configured name servers
 * in turn, answers cached for their TTL (or `valid=`), concurrent lookups of a name shared.
 */
export class NameResolver {
  private readonly servers: Array<{ host: string; port: number }>;
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<Resolution>>();
  private turn = 0;

  constructor(private readonly config: ResolverConfig) {
    this.servers = config.addresses.map((address) => splitHostPort(address));
  }

  /** `name` without a trailing dot (see queryName). */
  resolve(name: string, timeoutMs: number): Promise<Resolution> {
    // ngx_resolver_create_name_query refuses an empty label or one over 255 bytes without asking.
    if (name.split('.').some((label) => label === '' || Buffer.byteLength(label) > 255)) {
      return Promise.resolve({ code: NXDOMAIN });
    }
    const key = name.toLowerCase();
    const cached = this.cache.get(key);
    if (cached && cached.expiresMs > Date.now()) return Promise.resolve(rotated(cached.result));
    if (cached) this.cache.delete(key);
    let lookup = this.pending.get(key);
    if (!lookup) {
      lookup = this.lookup(key, timeoutMs).finally(() => this.pending.delete(key));
      this.pending.set(key, lookup);
    }
    return lookup.then(rotated);
  }

  private async lookup(name: string, timeoutMs: number): Promise<Resolution> {
    const types = this.config.ipv6 ? [TYPE_A, TYPE_AAAA] : [TYPE_A];
    const answers = await Promise.all(types.map((type) => this.query(name, type, timeoutMs)));
    if (answers.some((answer) => answer === null)) return { code: TIMED_OUT };
    const found = answers as DnsAnswer[];
    const addresses = found.flatMap((answer) => answer.addresses);
    if (addresses.length > 0) {
      const ttl = Math.min(...found.filter((a) => a.addresses.length > 0).map((a) => a.ttlSec));
      this.remember(name, { addresses }, this.config.validSec ?? ttl);
      return { addresses };
    }
    const code = found.find((answer) => answer.rcode !== 0)?.rcode ?? NXDOMAIN;
    if (code === NXDOMAIN) this.remember(name, { code }, this.config.validSec ?? NEGATIVE_SEC);
    return { code };
  }

  private remember(name: string, result: Resolution, seconds: number): void {
    if (seconds <= 0) return;
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(name, { expiresMs: Date.now() + seconds * 1000, result });
  }

  /** One query, resent to the next server every RESEND_MS; null when the time is up. */
  private query(name: string, type: number, timeoutMs: number): Promise<DnsAnswer | null> {
    return new Promise((resolve) => {
      const id = randomInt(0x10000);
      const message = encodeQuery(id, name, type);
      const sockets: Socket[] = [];
      let resend: NodeJS.Timeout | undefined;
      const finish = (answer: DnsAnswer | null): void => {
        clearTimeout(deadline);
        clearTimeout(resend);
        for (const socket of sockets) socket.close();
        sockets.length = 0;
        resolve(answer);
      };
      const send = (): void => {
        const server = this.servers[this.turn++ % this.servers.length]!;
        const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
        sockets.push(socket);
        socket.on('error', () => undefined);
        socket.on('message', (packet) => {
          let answer: DnsAnswer;
          try {
            answer = decodeAnswer(packet, type);
          } catch {
            return;
          }
          if (answer.id === id) finish(answer);
        });
        socket.send(message, server.port, server.host);
        resend = setTimeout(send, RESEND_MS);
      };
      const deadline = setTimeout(() => finish(null), timeoutMs);
      send();
    });
  }
}
