import type { ClientRequest } from '../http1/client-request';
import type { ClientResponse } from '../http1/client-response';
import { applyAddHeaders } from './add-header';
import { reasonPhrase, sendErrorPage, sendGenerated, startingPage } from './error-page';
import { answerErrorPage } from './error-page-redirect';
import type { LocationRoute } from './location';
import { filterResponseHeaders } from './response-headers';
import type { ResponseHead } from './response-parser';
import { ResponsePipe, type PipeTimeouts } from './response-pipe';
import type { VariableContext } from './variables';

/** Characters outside those RFC 9110 allows in a reason phrase. */
const INVALID_REASON = /[^\t\x20-\x7e\x80-\xff]/;

/** The upstream's reason phrase; the standard one instead of one that can't be sent. */
function sendableReason(reason: string, status: number): string {
  return reason === '' || INVALID_REASON.test(reason) ? reasonPhrase(status) : reason;
}

/**
 * The HTTP pass's `process_header` once the head is accepted: proxy_intercept_errors hands the
 * request to its error_page (null: answered), else the client gets the upstream's head with
 * nginx's own fields and add_header's, and the body will go through the returned pipe.
 */
export function passResponse(
  req: ClientRequest,
  res: ClientResponse,
  location: LocationRoute,
  head: ResponseHead,
  ctx: VariableContext,
  timeouts: PipeTimeouts & { interceptErrors: boolean },
): ResponsePipe | null {
  const errorPageTo =
    timeouts.interceptErrors && head.status >= 300 ? location.errorPages.get(head.status) : undefined;
  if (errorPageTo) {
    answerErrorPage(req, res, location, errorPageTo, head.status, ctx);
    return null;
  }
  const pipe = new ResponsePipe(res, timeouts, head.version === 9);
  if (head.version === 9) return pipe;
  ctx.status = head.status;
  const headers = filterResponseHeaders(head.headers);
  applyAddHeaders(headers, location.addHeaders, head.status, {
    ...ctx,
    upstreamInProgress: true,
    upstreamHeaders: head.headers,
  });
  res.writeHead(head.status, sendableReason(head.reason, head.status), headers);
  return pipe;
}

/** A 503 while replicas start: browsers and load tools may come back soon. */
export const STARTING_HEADERS = ['Retry-After', '2'];

/**
 * nginx's own error page for a failed request (502, 504...): through the location's error_page
 * when it has one for the status, with add_header's; the "replicas starting" 503 carries
 * Retry-After and no error_page.
 */
export function sendFailure(
  req: ClientRequest,
  res: ClientResponse,
  location: LocationRoute,
  status: number,
  ctx: VariableContext,
  starting: boolean,
): void {
  const errorPageTo = starting ? undefined : location.errorPages.get(status);
  if (errorPageTo) {
    answerErrorPage(req, res, location, errorPageTo, status, ctx);
    return;
  }
  const headers = starting ? [...STARTING_HEADERS] : [];
  applyAddHeaders(headers, location.addHeaders, status, ctx);
  if (starting) sendGenerated(res, status, startingPage(), 'text/html', headers);
  else sendErrorPage(res, status, headers);
}
