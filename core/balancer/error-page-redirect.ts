import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import { applyAddHeaders } from './add-header';
import type { ErrorPageDirective } from './config';
import { errorPage, reasonPhrase, sendErrorPage } from './error-page';
import type { ExchangeBody } from './exchange-body';
import { matchLocation, type LocationRoute } from './location';
import { answerReturn } from './return-answer';
import type { Site } from './site';
import { compileTemplate, normalizedPath, type Template, type VariableContext } from './variables';

export interface CompiledErrorPage {
  /** `=RESPONSE`; 0 for a bare `=` (the target's status). */
  response?: number;
  uri: Template;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Code → page; the first error_page naming a code wins, as in ngx_http_send_error_page. */
export function compileErrorPages(list: readonly ErrorPageDirective[] = []): Map<number, CompiledErrorPage> {
  const pages = new Map<number, CompiledErrorPage>();
  for (const directive of list) {
    const page: CompiledErrorPage = { uri: compileTemplate(directive.uri) };
    if (directive.response !== undefined) page.response = directive.response;
    for (const code of directive.codes) if (!pages.has(code)) pages.set(code, page);
  }
  return pages;
}

/**
 * ngx_http_send_error_page: a URL is a redirect (302 unless `=301`...`=308`); a local URI is an
 * internal redirect to the location it matches (the method becomes GET unless HEAD, `$uri` and
 * `$args` are the URI's), `@name` one to that named location (method and URI kept). The target
 * answers with the error's status, `=RESPONSE`, or for a bare `=` its own. recursive_error_pages
 * is off: an error in the target gets nginx's plain page.
 *
 * Returns the location whose logs the answer belongs to, or null when a proxying target took the
 * request over (`site.serve`: it logs and records the request when it ends).
 */
export function answerErrorPage(
  req: ClientRequest,
  res: ClientResponse,
  site: Site,
  from: LocationRoute,
  page: CompiledErrorPage,
  status: number,
  ctx: VariableContext,
  body?: ExchangeBody,
): LocationRoute | null {
  const uri = page.uri(ctx);
  const named = uri.startsWith('@');
  if (!named && !uri.startsWith('/')) {
    const code = page.response !== undefined && REDIRECTS.has(page.response) ? page.response : 302;
    sendRedirect(req, res, code, from, ctx, uri);
    return from;
  }
  let target: LocationRoute | undefined;
  if (named) target = site.route.named.get(uri);
  else {
    ctx.internalUri = uri;
    target = matchLocation(site.route, normalizedPath(uri)) ?? site.route.serverLevel;
  }
  if (!target) {
    // ngx_http_named_location: "could not find named location" is a 500.
    sendPlainPage(res, 500, from, ctx);
    return from;
  }
  const response = page.response ?? status;
  if (target.proxy || target.pass) {
    site.serve(req, res, target, { ctx, status: response, ...(body ? { body } : {}) });
    return null;
  }
  answerHere(req, res, target, response, ctx);
  return target;
}

/**
 * A target without proxy_pass: its `return` text with the error_page's status (a code-only
 * `return` is an error of its own, so its plain page), or nginx's 404 (there is no root to serve).
 */
function answerHere(
  req: ClientRequest,
  res: ClientResponse,
  target: LocationRoute,
  response: number,
  ctx: VariableContext,
): void {
  const { ret } = target;
  if (!ret) {
    sendPlainPage(res, 404, target, ctx);
    return;
  }
  const status = response === 0 ? ret.status : response;
  answerReturn(req, res, ret.text === null ? ret : { status, text: ret.text }, target.addHeaders, ctx);
}

/** nginx's page for `status` with the location's add_header, and no error_page. */
export function sendPlainPage(
  res: ClientResponse,
  status: number,
  location: LocationRoute,
  ctx: VariableContext,
): void {
  ctx.status = status;
  const headers: string[] = [];
  applyAddHeaders(headers, location.addHeaders, status, ctx);
  sendErrorPage(res, status, headers);
}

function sendRedirect(
  req: ClientRequest,
  res: ClientResponse,
  status: number,
  location: LocationRoute,
  ctx: VariableContext,
  redirect: string,
): void {
  const body = errorPage(status);
  const headers = [
    'Server',
    'upstream-lab',
    'Content-Type',
    'text/html',
    'Content-Length',
    String(body.length),
    'Location',
    redirect,
  ];
  ctx.status = status;
  applyAddHeaders(headers, location.addHeaders, status, ctx);
  try {
    res.writeHead(status, reasonPhrase(status), headers);
  } catch {
    req.socket.destroy();
    return;
  }
  res.end(body);
}
