import { isIPv6 } from 'node:net';

/** A proxy_pass URL with variables, once evaluated for a request (ngx_http_proxy_eval). */
export interface PassUrl {
  /** As evaluated; an IPv6 literal keeps its brackets. */
  host: string;
  /** 80 when the URL names none. */
  port: number;
  noPort: boolean;
  /** `$proxy_host` and the Host header: the host, with `:PORT` as written unless it is 80. */
  hostHeader: string;
  /** The URI part, sent as is; undefined: the client's URI is sent. */
  uri?: string;
}

/** What nginx logs (at `error`) when the URL can't be used; the client gets a 500. */
export interface PassUrlError {
  error: string;
}

const HTTP = 'http://';
const DEFAULT_PORT = 80;

/** ngx_http_proxy_eval then ngx_parse_url with `uri_part` and `no_resolve`. */
export function parsePassUrl(url: string): PassUrl | PassUrlError {
  if (url.length <= HTTP.length || url.slice(0, HTTP.length).toLowerCase() !== HTTP) {
    if (/^https:\/\/./i.test(url)) {
      return { error: `https upstreams are not supported by upstream-lab in "${url}"` };
    }
    return { error: `invalid URL prefix in "${url}"` };
  }
  const rest = url.slice(HTTP.length);
  const fail = (reason: string): PassUrlError => ({ error: `${reason} in upstream "${rest}"` });
  if (rest.slice(0, 5).toLowerCase() === 'unix:') {
    return { error: `unix socket upstreams are not supported by upstream-lab in "${rest}"` };
  }
  const uriAt = firstOf(rest, '/', '?');
  if (uriAt === 0) return fail('no host');
  const authority = uriAt < 0 ? rest : rest.slice(0, uriAt);
  const parsed = rest.startsWith('[') ? splitInet6(authority) : splitInet(authority);
  if (typeof parsed === 'string') return fail(parsed);
  const target: PassUrl = {
    host: parsed.host,
    port: parsed.portText === undefined ? DEFAULT_PORT : Number(parsed.portText),
    noPort: parsed.portText === undefined,
    hostHeader: parsed.host,
  };
  if (target.port !== DEFAULT_PORT) target.hostHeader = `${parsed.host}:${parsed.portText}`;
  if (uriAt >= 0) {
    const uri = rest.slice(uriAt);
    target.uri = uri.startsWith('?') ? `/${uri}` : uri;
  }
  return target;
}

function firstOf(text: string, a: string, b: string): number {
  const i = text.indexOf(a);
  const j = text.indexOf(b);
  if (i < 0) return j;
  if (j < 0) return i;
  return Math.min(i, j);
}

type Split =
  { host: string; portText?: string } | 'no host' | 'invalid host' | 'invalid port' | 'invalid IPv6 address';

function checkedPort(host: string, portText: string | undefined): Split {
  if (portText === undefined) return { host };
  // ngx_atoi: digits only, then 1-65535.
  if (!/^\d+$/.test(portText)) return 'invalid port';
  const port = Number(portText);
  return port < 1 || port > 65535 ? 'invalid port' : { host, portText };
}

function splitInet(authority: string): Split {
  const colon = authority.indexOf(':');
  const host = colon < 0 ? authority : authority.slice(0, colon);
  const portText = colon < 0 ? undefined : authority.slice(colon + 1);
  const checked = checkedPort(host, portText);
  if (typeof checked === 'string') return checked;
  return host === '' ? 'no host' : checked;
}

function splitInet6(authority: string): Split {
  const close = authority.indexOf(']');
  if (close < 0) return 'invalid host';
  const after = authority.slice(close + 1);
  if (after !== '' && !after.startsWith(':')) return 'invalid host';
  if (close === 1) return 'no host';
  if (!isIPv6(authority.slice(1, close))) return 'invalid IPv6 address';
  return checkedPort(authority.slice(0, close + 1), after === '' ? undefined : after.slice(1));
}

/** The address inside an IPv6 literal's brackets, if the host is one. */
export function ipv6Literal(host: string): string | undefined {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : undefined;
}
