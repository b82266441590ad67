import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import { answerErrorPage, sendPlainPage } from './error-page-redirect';
import type { LocationRoute } from './location';
import { writeAccessLog } from './log-phase';
import { answerReturn } from './return-answer';
import { requestContext, type Site } from './site';

/**
 * A location without proxy_pass, or the server level for a request no location matches: its
 * `return`, or nginx's 404 (no root to serve files from); an error among those goes to the
 * location's error_page. Access-logged in the location that answered.
 */
export function answerLocally(
  site: Site,
  req: ClientRequest,
  res: ClientResponse,
  location: LocationRoute,
): void {
  const ctx = requestContext(req, site);
  const { ret } = location;
  let at: LocationRoute | null = location;
  if (ret && ret.text !== null) answerReturn(req, res, ret, location.addHeaders, ctx);
  else {
    const status = ret ? ret.status : 404;
    const page = location.errorPages.get(status);
    if (page) at = answerErrorPage(req, res, site, location, page, status, ctx);
    else if (ret) answerReturn(req, res, ret, location.addHeaders, ctx);
    else sendPlainPage(res, 404, location, ctx);
  }
  if (at) writeAccessLog(at, ctx, res, ctx.status, res.bodyBytes);
}
