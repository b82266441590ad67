import { STATUS_CODES } from 'node:http';
import type { ClientResponse } from '../http1/client-response';
import { SERVER_NAME } from '../http1/response-head';

export { SERVER_NAME };

/** nginx's status lines where they differ from Node's (ngx_http_header_filter_module.c). */
const REASONS: Record<number, string> = {
  302: 'Moved Temporarily',
  405: 'Not Allowed',
  408: 'Request Time-out',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  416: 'Requested Range Not Satisfiable',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/**
 * nginx's own statuses that go out as 400 (ngx_http_special_response.c): 494 is a head too large
 * for the buffers, with its own page.
 */
const SENT_AS: Record<number, number> = { 494: 400 };

/** The status on the wire (and in `$status`) for a status the balancer decided on. */
export function sentStatus(status: number): number {
  return SENT_AS[status] ?? status;
}

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? STATUS_CODES[status] ?? 'Unknown';
}

/** Where nginx's page says something else than its status line (ngx_http_special_response.c). */
const PAGE_TEXT: Record<number, string> = { 302: 'Found', 401: 'Authorization Required' };

/** nginx's page titles where the page is not just the status line's. */
const TITLES: Record<number, { title: string; line?: string }> = {
  494: { title: '400 Request Header Or Cookie Too Large', line: 'Request Header Or Cookie Too Large' },
};

const cache = new Map<number, Buffer>();

/** nginx's own error page layout, signed with our name instead of nginx's. */
export function errorPage(status: number): Buffer {
  let page = cache.get(status);
  if (!page) {
    const sent = sentStatus(status);
    const h1 = `${sent} ${PAGE_TEXT[sent] ?? reasonPhrase(sent)}`;
    const special = TITLES[status];
    const line = special?.line === undefined ? '' : `<center>${special.line}</center>\r\n`;
    page = Buffer.from(
      `<html>\r\n<head><title>${special?.title ?? h1}</title></head>\r\n<body>\r\n<center><h1>${h1}</h1></center>\r\n` +
        `${line}<hr><center>${SERVER_NAME}</center>\r\n</body>\r\n</html>\r\n`,
    );
    cache.set(status, page);
  }
  return page;
}

/**
 * The fields nginx's header filter writes first on a response it generates, in its order; any
 * others (add_header, Retry-After) follow.
 */
export function generatedHeaders(type: string, length: number, keepAlive: boolean): string[] {
  return [
    'Server',
    SERVER_NAME,
    'Date',
    new Date().toUTCString(),
    'Content-Type',
    type,
    'Content-Length',
    String(length),
    'Connection',
    keepAlive ? 'keep-alive' : 'close',
  ];
}

let starting: Buffer | undefined;

/** The 503 of a lab whose replicas are starting: says so, and that it is worth trying again. */
export function startingPage(): Buffer {
  starting ??= Buffer.from(
    '<html>\r\n<head><title>503 replicas starting</title></head>\r\n<body>\r\n' +
      '<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n' +
      "<center>replicas starting: the lab's backends are not ready yet, try again in a moment</center>\r\n" +
      `<hr><center>${SERVER_NAME}</center>\r\n</body>\r\n</html>\r\n`,
  );
  return starting;
}

/** Sends a response the balancer generates (error page, `return`) with nginx's head. */
export function sendGenerated(
  res: ClientResponse,
  status: number,
  body: Buffer,
  type: string,
  extra: readonly string[] = [],
): void {
  const sent = sentStatus(status);
  res.writeHead(sent, reasonPhrase(sent), [
    ...generatedHeaders(type, body.length, res.shouldKeepAlive),
    ...extra,
  ]);
  res.end(body);
}

/** Statuses after which nginx closes the client connection (ngx_http_special_response_handler). */
export const CLOSING: ReadonlySet<number> = new Set([400, 413, 414, 494, 500, 501]);

/** nginx's error page for `status`, closing the connection where nginx does. */
export function sendErrorPage(res: ClientResponse, status: number, extra: readonly string[] = []): void {
  if (CLOSING.has(status)) res.shouldKeepAlive = false;
  sendGenerated(res, status, errorPage(status), 'text/html', extra);
}

/**
 * An nginx error page as raw bytes with `Connection: close`, for a request refused at its head:
 * without the page for HEAD, the page alone for HTTP/0.9.
 */
export function errorResponse(status: number, form: 'full' | 'head' | 'body' = 'full'): Buffer {
  const page = errorPage(status);
  if (form === 'body') return page;
  const sent = sentStatus(status);
  const fields = generatedHeaders('text/html', page.length, false);
  let head = `HTTP/1.1 ${sent} ${reasonPhrase(sent)}\r\n`;
  for (let i = 0; i < fields.length; i += 2) head += `${fields[i]}: ${fields[i + 1]}\r\n`;
  head += '\r\n';
  return form === 'head' ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), page]);
}
