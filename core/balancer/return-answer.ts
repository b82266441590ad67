import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import { applyAddHeaders } from './add-header';
import type { LocationConfig } from './config';
import { httpDate } from '../http1/response-head';
import { CLOSING, errorPage, reasonPhrase, sentStatus, SERVER_NAME } from './error-page';
import type { CompiledAddHeader } from './location';
import { compileTemplate, requestHost, type Template, type VariableContext } from './variables';

/** A `return` with its text compiled: the body, or for a redirect code the Location. */
export interface CompiledReturn {
  status: number;
  text: Template | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function compileReturn(ret: NonNullable<LocationConfig['return']>): CompiledReturn {
  return { status: ret.status, text: ret.body === undefined ? null : compileTemplate(ret.body) };
}

/** nginx's absolute_redirect: a Location starting with `/` gets this server's scheme, host and port. */
function absolute(location: string, ctx: VariableContext): string {
  if (!location.startsWith('/')) return location;
  const port = ctx.serverPort === 80 ? '' : `:${ctx.serverPort}`;
  return `http://${requestHost(ctx.req, ctx.serverName)}${port}${location}`;
}

/** nginx's special responses have a page for these; others go out with an empty body. */
function hasErrorPage(status: number): boolean {
  return (status >= 400 && status <= 417) || [421, 429, 500, 501, 502, 503, 504, 505, 507].includes(status);
}

/**
 * ngx_http_rewrite_return: 444 closes the connection, a redirect code sends its text as the
 * Location with the error page, other codes their text as text/plain or, without one, the page.
 */
export function answerReturn(
  req: ClientRequest,
  res: ClientResponse,
  ret: CompiledReturn,
  addHeaders: readonly CompiledAddHeader[],
  ctx: VariableContext,
): void {
  const { status } = ret;
  ctx.status = status;
  if (status === 444) {
    req.socket.destroy();
    return;
  }
  const text = ret.text?.(ctx);
  let body: Buffer;
  let type: string | null = null;
  let location: string | null = null;
  if (REDIRECTS.has(status) || (text === undefined && hasErrorPage(status))) {
    body = errorPage(status);
    type = 'text/html';
    if (REDIRECTS.has(status)) location = absolute(text ?? '', ctx);
  } else {
    body = Buffer.from(text ?? '');
    if (status < 600) type = 'text/plain';
  }
  if (CLOSING.has(status)) res.shouldKeepAlive = false;
  const bodiless = status === 204 || (status >= 100 && status < 200);
  // nginx's header filter: Server, Date, Content-Type, Content-Length, a relative Location made
  // absolute, Connection; then an absolute Location and add_header's in the list's order. The
  // Connection entry is for `$sent_http_connection`; the writer puts its own in place.
  const headers = ['Server', SERVER_NAME, 'Date', httpDate()];
  if (!bodiless) {
    if (type) headers.push('Content-Type', type);
    headers.push('Content-Length', String(body.length));
  }
  const madeAbsolute = location !== null && (text ?? '').startsWith('/') ? location : undefined;
  if (madeAbsolute !== undefined) headers.push('Location', madeAbsolute);
  headers.push('Connection', res.shouldKeepAlive ? 'keep-alive' : 'close');
  if (location !== null && madeAbsolute === undefined) headers.push('Location', location);
  applyAddHeaders(headers, addHeaders, status, ctx);
  const sent = sentStatus(status);
  res.writeHead(sent, reasonPhrase(sent) === 'Unknown' ? '' : reasonPhrase(sent), headers, madeAbsolute);
  res.end(bodiless || req.method === 'HEAD' ? undefined : body);
}
