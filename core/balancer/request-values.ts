import type { ClientRequest } from '../http1/client-request';

/** A request header as nginx's `$http_*` reads it; repeated headers joined (cookies with `; `). */
export function header(req: ClientRequest, name: string): string {
  const value = req.headers[name];
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
}

export function remoteAddr(req: ClientRequest): string {
  const addr = req.socket.remoteAddress ?? '';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

/** `$binary_remote_addr` as a latin1 string of the address bytes, so hash keys see nginx's bytes. */
export function binaryAddr(addr: string): string {
  return /^\d+\.\d+\.\d+\.\d+$/.test(addr) ? String.fromCharCode(...addr.split('.').map(Number)) : addr;
}

/** nginx `$host`: request-line host, else Host header, else the first server_name; lower-cased, no port. */
export function requestHost(req: ClientRequest, serverName: string): string {
  let host: string;
  const url = req.url ?? '';
  if (url.startsWith('http://') || url.startsWith('https://')) {
    const end = url.indexOf('/', url.indexOf('//') + 2);
    host = url.slice(url.indexOf('//') + 2, end === -1 ? undefined : end);
  } else {
    host = req.headers.host ?? '';
  }
  if (host === '') return serverName;
  host = host.toLowerCase();
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = host.indexOf(':', bracket + 1);
  if (colon !== -1) host = host.slice(0, colon);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

export function requestUri(req: ClientRequest): string {
  const url = req.url ?? '/';
  if (url.startsWith('/')) return url;
  const at = url.indexOf('/', url.indexOf('//') + 2);
  return at === -1 ? '/' : url.slice(at);
}

/** The query string of a URI. */
export function args(uri: string): string {
  const q = uri.indexOf('?');
  return q === -1 ? '' : uri.slice(q + 1);
}

/** nginx `$uri`: the decoded, normalised path (dot segments resolved, slashes merged). */
export function normalizedPath(uri: string): string {
  const end = uri.search(/[?#]/);
  let path = end === -1 ? uri : uri.slice(0, end);
  try {
    path = decodeURIComponent(path);
  } catch {
    // nginx keeps undecodable escapes as they are
  }
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}${path.endsWith('/') && out.length ? '/' : ''}`;
}

/** `$arg_NAME`: the first argument of that name, compared without case as ngx_http_arg does. */
export function argValue(uri: string, name: string): string | undefined {
  for (const pair of args(uri).split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key.toLowerCase() === name) return eq === -1 ? '' : pair.slice(eq + 1);
  }
  return undefined;
}

/** `$cookie_NAME`: names compared without case, as ngx_http_parse_multi_header_lines does. */
export function cookieValue(req: ClientRequest, name: string): string | undefined {
  for (const part of header(req, 'cookie').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).toLowerCase() === name) return part.slice(eq + 1);
  }
  return undefined;
}

/** `$request_length`: the head's bytes as received, and the body's read so far. */
export function requestLength(req: ClientRequest, bodyBytes: number): number {
  return req.headLength + bodyBytes;
}
