import type { ConnectionSettings, Refusal } from '../http1/client-connection';
import { Http1Server } from '../http1/http1-server';
import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import type { ServerBlockConfig } from './config';
import { numberConnection } from './connection-number';
import { errorResponse } from './error-page';
import type { Site } from './site';

export interface ListenAddress {
  host: string;
  port: number;
}

/** The server blocks listening on one address, the default server first (nginx's `listen ... default_server`). */
export interface AddressBlocks extends ListenAddress {
  blocks: ServerBlockConfig[];
}

export interface SiteHandlers {
  request(sites: Site[], req: ClientRequest, res: ClientResponse): void;
  /** A head refused before it became a request (its error page already sent). */
  refused(sites: Site[], refusal: Refusal): void;
}

/**
 * One listening address and the server blocks it serves. A reload swaps the blocks (`sites`)
 * and the settings new connections get; the socket stays open, so no connection is refused.
 */
export class Listener {
  readonly server: Http1Server;
  /** Where it listens once bound (the port differs from the asked one for port 0). */
  address: ListenAddress = { host: '', port: 0 };

  constructor(
    readonly key: string,
    public sites: Site[],
    private readonly handlers: SiteHandlers,
  ) {
    this.server = new Http1Server(
      this.connectionSettings(sites),
      (req, res) => handlers.request(this.sites, req, res),
      numberConnection,
    );
  }

  async listen(host: string, port: number): Promise<ListenAddress> {
    try {
      this.address = { host, port: await this.server.listen(host, port) };
      return this.address;
    } catch (error_) {
      throw listenError(error_ as NodeJS.ErrnoException, `${host}:${port}`);
    }
  }

  swap(sites: Site[]): void {
    this.sites = sites;
    this.server.settings = this.connectionSettings(sites);
  }

  /** A connection's timeouts and parsing rules come from the address's default server, as in nginx. */
  private connectionSettings(sites: Site[]): ConnectionSettings {
    const first = sites[0]!.route.config;
    return {
      headerTimeoutMs: first.clientHeaderTimeoutMs,
      keepaliveTimeoutMs: first.keepaliveTimeoutMs,
      keepaliveRequests: first.keepaliveRequests ?? 1000,
      head: {
        underscoresInHeaders: first.underscoresInHeaders ?? false,
        ignoreInvalidHeaders: first.ignoreInvalidHeaders ?? true,
      },
      errorResponse,
      onRefused: (refusal) => this.handlers.refused(this.sites, refusal),
    };
  }
}

/** Server blocks grouped by the address they listen on. */
export function addressBlocks(servers: readonly ServerBlockConfig[]): Map<string, AddressBlocks> {
  const byAddress = new Map<string, AddressBlocks>();
  for (const block of servers) {
    for (const listen of block.listen) {
      const key = `${listen.host}:${listen.port}`;
      const entry = byAddress.get(key) ?? { host: listen.host, port: listen.port, blocks: [] };
      if (listen.defaultServer) entry.blocks.unshift(block);
      else entry.blocks.push(block);
      byAddress.set(key, entry);
    }
  }
  return byAddress;
}

function listenError(error: NodeJS.ErrnoException, where: string): Error {
  const message =
    error.code === 'EADDRINUSE'
      ? `${where} is already in use: another program listens there`
      : error.code === 'EACCES'
        ? `no permission to listen on ${where} (ports below 1024 need root)`
        : `cannot listen on ${where}: ${error.message}`;
  return new Error(message, { cause: error });
}
