import { STATUS_CODES } from 'node:http';

/** nginx's status lines where they differ from Node's. */
const REASONS: Record<number, string> = {
  405: 'Not Allowed',
  408: 'Request Time-out',
  413: 'Request Entity Too Large',
  503: 'Service Temporarily Unavailable',
  414: 'Request-URI Too Large',
  504: 'Gateway Time-out',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? STATUS_CODES[status] ?? 'Unknown';
}

const cache = new Map<number, Buffer>();

/** nginx's own error page layout, signed with our name instead of nginx's. */
export function errorPage(status: number): Buffer {
  let page = cache.get(status);
  if (!page) {
    const title = `${status} ${reasonPhrase(status)}`;
    page = Buffer.from(
      `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
        `<hr><center>upstream-lab</center>\r\n</body>\r\n</html>\r\n`,
    );
    cache.set(status, page);
  }
  return page;
}

let starting: Buffer | undefined;

/** The 503 of a lab whose replicas are starting: says so, and that it is worth trying again. */
export function startingPage(): Buffer {
  starting ??= Buffer.from(
    '<html>\r\n<head><title>503 replicas starting</title></head>\r\n<body>\r\n' +
      '<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n' +
      "<center>replicas starting: the lab's backends are not ready yet, try again in a moment</center>\r\n" +
      '<hr><center>upstream-lab</center>\r\n</body>\r\n</html>\r\n',
  );
  return starting;
}
