import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import { applyAddHeaders } from './add-header';
import type { ErrorPageDirective } from './config';
import { errorPage, reasonPhrase } from './error-page';
import type { LocationRoute } from './location';
import { answerReturn } from './return-answer';
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
 * internal redirect to the location it matches, answered with the error's status (or `=RESPONSE`).
 * Only locations that `return` can be such a target here; any other gets nginx's plain page
 * (recursive_error_pages is off, so the target's own errors do too).
 */
export function answerErrorPage(
  req: ClientRequest,
  res: ClientResponse,
  from: LocationRoute,
  page: CompiledErrorPage,
  status: number,
  ctx: VariableContext,
): void {
  const uri = page.uri(ctx);
  if (!uri.startsWith('/')) {
    const code = page.response !== undefined && REDIRECTS.has(page.response) ? page.response : 302;
    sendPage(req, res, code, from, ctx, uri);
    return;
  }
  const internal: VariableContext = { ...ctx, internalUri: uri };
  const target = from.siblings(normalizedPath(uri));
  if (!target?.ret) {
    sendPage(req, res, target ? status : 404, target ?? from, internal);
    return;
  }
  const { ret } = target;
  const response = page.response === 0 ? ret.status : (page.response ?? status);
  answerReturn(
    req,
    res,
    ret.text === null ? ret : { status: response, text: ret.text },
    target.addHeaders,
    internal,
  );
}

function sendPage(
  req: ClientRequest,
  res: ClientResponse,
  status: number,
  location: LocationRoute,
  ctx: VariableContext,
  redirect?: string,
): void {
  const body = errorPage(status);
  const headers = [
    'Server',
    'upstream-lab',
    'Content-Type',
    'text/html',
    'Content-Length',
    String(body.length),
  ];
  if (redirect !== undefined) headers.push('Location', redirect);
  ctx.status = status;
  applyAddHeaders(headers, location.addHeaders, status, ctx);
  try {
    res.writeHead(status, reasonPhrase(status), headers);
  } catch {
    req.socket.destroy();
    return;
  }
  res.end(req.method === 'HEAD' ? undefined : body);
}
