import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import type { ClientLimits, ExchangeBody } from './exchange-body';
import type { LocationRoute, ServerRoute } from './location';
import type { RecordSink } from './request-record';
import type { VariableContext } from './variables';

/**
 * An error_page's internal redirect (ngx_http_internal_redirect / ngx_http_named_location): the
 * request goes on in another location of its server with what it already has.
 */
export interface Redirect {
  /** The request's variables so far: its attempts, its start, the error_page URI as `$uri`. */
  ctx: VariableContext;
  /** r->err_status: the status the target's answer goes out with; 0 for the target's own. */
  status: number;
  /** The client's body as the first location opened it; absent when it was never opened. */
  body?: ExchangeBody;
}

/** A server block as one listening port runs it: its locations, and what its requests need. */
export interface Site {
  route: ServerRoute;
  port: number;
  records: RecordSink;
  client: ClientLimits;
  /** nginx's content phase for `location`: proxy the request or answer it here. */
  serve(req: ClientRequest, res: ClientResponse, location: LocationRoute, redirect?: Redirect): void;
}

/** The variables of a request that has not been proxied yet. */
export function requestContext(req: ClientRequest, site: Site): VariableContext {
  return {
    req,
    serverName: site.route.serverName,
    serverPort: site.port,
    proxyHost: '',
    startMs: Date.now(),
    attempts: [],
    status: 0,
  };
}
