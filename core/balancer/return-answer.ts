import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyAddHeaders } from './add-header';
import type { LocationConfig } from './config';
import { errorPage, reasonPhrase } from './error-page';
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
  req: IncomingMessage,
  res: ServerResponse,
  ret: CompiledReturn,
  addHeaders: readonly CompiledAddHeader[],
  ctx: VariableContext,
): void {
  const { status } = ret;
  if (status === 444) {
    req.socket.destroy();
    return;
  }
  ctx.status = status;
  const text = ret.text?.(ctx);
  const headers = ['Server', 'upstream-lab'];
  let body: Buffer;
  if (REDIRECTS.has(status) || (text === undefined && hasErrorPage(status))) {
    body = errorPage(status);
    headers.push('Content-Type', 'text/html');
    if (REDIRECTS.has(status)) headers.push('Location', absolute(text ?? '', ctx));
  } else {
    body = Buffer.from(text ?? '');
    if (status < 600) headers.push('Content-Type', 'text/plain');
  }
  const bodiless = status === 204 || (status >= 100 && status < 200);
  if (bodiless) headers.splice(2);
  else headers.push('Content-Length', String(body.length));
  applyAddHeaders(headers, addHeaders, status, ctx);
  try {
    res.writeHead(status, reasonPhrase(status) === 'Unknown' ? '' : reasonPhrase(status), headers);
  } catch {
    // A value Node cannot send (a character outside latin1 in the config's text).
    req.socket.destroy();
    return;
  }
  res.end(bodiless || req.method === 'HEAD' ? undefined : body);
}
