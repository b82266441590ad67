import type { ClientRequest } from '../http1/client-request';
import type { LocationRoute, ProxyRoute } from './location';
import { currentMethod, type VariableContext } from './variables';

export interface HeadOptions {
  /** Content-Length to send; -1 for none. */
  bodyLength: number;
  /** The body goes out re-framed as chunked. */
  chunked: boolean;
  /** A WebSocket / Upgrade handshake: pass Upgrade and `Connection: upgrade` through. */
  upgrade: boolean;
}

const HOP_BY_HOP = new Set(['connection', 'upgrade']);

/**
 * nginx's upstream request head (§8 of the spec): the location's proxy_set_header entries in order,
 * then the defaults they don't override (Host, Connection, Content-Length, Transfer-Encoding), then
 * the client's headers in their order and case minus the ones already decided. Empty values are
 * not sent.
 */
export function buildRequestHead(
  route: ProxyRoute,
  location: LocationRoute,
  ctx: VariableContext,
  options: HeadOptions,
): string {
  const { req } = ctx;
  const version = route.settings.httpVersion === '1.1' || options.chunked || options.upgrade ? '1.1' : '1.0';
  const uri =
    ctx.internalUri === undefined
      ? upstreamUri(req, route, location)
      : redirectUri(ctx.internalUri, route, location);
  let head = `${currentMethod(ctx)} ${uri} HTTP/${version}\r\n`;
  for (const header of route.setHeaders) {
    // An Upgrade's Connection and Upgrade are sent once, below, whatever proxy_set_header says.
    if (options.upgrade && HOP_BY_HOP.has(header.name.toLowerCase())) continue;
    const value = header.value(ctx);
    if (value !== '') head += `${header.name}: ${value}\r\n`;
  }
  if (route.sendHost) head += `Host: ${route.proxyHost}\r\n`;
  if (options.upgrade) head += `Connection: upgrade\r\nUpgrade: ${req.headers.upgrade ?? ''}\r\n`;
  else if (route.sendConnectionClose) head += 'Connection: close\r\n';
  if (options.bodyLength >= 0 && route.sendContentLength) head += `Content-Length: ${options.bodyLength}\r\n`;
  if (options.chunked && route.sendTransferEncoding) head += 'Transfer-Encoding: chunked\r\n';
  const raw = req.rawHeaders;
  const lower = req.lowerNames;
  for (let i = 0; i < raw.length; i += 2) {
    if (!route.notCopied.has(lower[i >> 1]!)) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  return head + '\r\n';
}

/**
 * The client's raw URI as received; a literal proxy_pass's URI part replaces the location prefix,
 * one with variables is sent as evaluated.
 */
function upstreamUri(req: ClientRequest, route: ProxyRoute, location: LocationRoute): string {
  if (route.passUri !== undefined) return route.passUri;
  let uri = req.url ?? '/';
  if (!uri.startsWith('/')) {
    const slash = uri.indexOf('/', uri.indexOf('//') + 2);
    uri = slash === -1 ? '/' : uri.slice(slash);
  }
  const replacement = route.settings.uri;
  if (replacement === undefined) return uri;
  return replacement + uri.slice(location.config.path.length);
}

/**
 * After an error_page to a URI the client's raw URI is gone (r->valid_unparsed_uri is off): the
 * upstream gets the new URI, escaped as ngx_escape_uri(NGX_ESCAPE_URI) does, and its arguments.
 */
function redirectUri(internal: string, route: ProxyRoute, location: LocationRoute): string {
  const q = internal.indexOf('?');
  const path = q === -1 ? internal : internal.slice(0, q);
  const replacement = route.settings.uri;
  const rest = replacement === undefined ? path : path.slice(location.config.path.length);
  const escaped =
    (replacement ?? '') +
    rest.replace(URI_UNSAFE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return q === -1 ? escaped : `${escaped}?${internal.slice(q + 1)}`;
}

/** What NGX_ESCAPE_URI escapes: controls, space, `#`, `%`, `?`, DEL and every byte from 0x80. */
// eslint-disable-next-line no-control-regex -- control bytes are exactly what is escaped
const URI_UNSAFE = /[\x00-\x20#%?\x7f-\xff]/g;
