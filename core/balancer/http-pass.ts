import type { ClientResponse } from '../http1/client-response';
import { applyAddHeaders } from './add-header';
import { reasonPhrase, sendGenerated, startingPage } from './error-page';
import { sendPlainPage } from './error-page-redirect';
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
 * The HTTP pass's `process_header` once the head is accepted: the client gets the upstream's head
 * with nginx's own fields and add_header's, and the body will go through the returned pipe.
 * `errStatus` (an error_page's status, 0 for none) replaces the upstream's status, and its reason
 * with the standard one, as ngx_http_send_header does.
 */
export function passResponse(
  res: ClientResponse,
  location: LocationRoute,
  head: ResponseHead,
  ctx: VariableContext,
  timeouts: PipeTimeouts,
  errStatus: number,
): ResponsePipe {
  const pipe = new ResponsePipe(res, timeouts, head.version === 9);
  if (head.version === 9) return pipe;
  const status = errStatus || head.status;
  ctx.status = status;
  const headers = filterResponseHeaders(head.headers);
  applyAddHeaders(headers, location.addHeaders, status, {
    ...ctx,
    upstreamInProgress: true,
    upstreamHeaders: head.headers,
  });
  const reason = errStatus ? reasonPhrase(status) : sendableReason(head.reason, status);
  res.writeHead(status, reason, headers);
  return pipe;
}

/** A 503 while replicas start: browsers and load tools may come back soon. */
export const STARTING_HEADERS = ['Retry-After', '2'];

/**
 * nginx's own error page for a failed request (502, 504...) with add_header's (the error_page, if
 * any, was tried first); the "replicas starting" 503 carries Retry-After.
 */
export function sendFailure(
  res: ClientResponse,
  location: LocationRoute,
  status: number,
  ctx: VariableContext,
  starting: boolean,
): void {
  if (!starting) {
    sendPlainPage(res, status, location, ctx);
    return;
  }
  const headers = [...STARTING_HEADERS];
  applyAddHeaders(headers, location.addHeaders, status, ctx);
  sendGenerated(res, status, startingPage(), 'text/html', headers);
}
