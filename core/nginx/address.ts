export interface HostPort {
  /** Without IPv6 brackets: `127.0.0.1`, `::1`, `backend1`. */
  host: string;
  port?: number;
}

export type AddressProblem = 'no host' | 'invalid host' | 'invalid port';

/**
 * Splits `host[:port]` or `[v6][:port]` the way ngx_parse_url does (the port starts at the first
 * colon outside brackets). Host names are not checked or resolved here.
 */
export function splitHostPort(text: string): HostPort | AddressProblem {
  if (text.includes('/')) return 'invalid host';
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return 'invalid host';
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return 'invalid host';
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  if (host === '') return 'no host';
  if (/\s/.test(host)) return 'invalid host';
  if (portText === undefined) return { host };
  const port = parsePort(portText);
  return port === undefined ? 'invalid port' : { host, port };
}

export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** `host:port`, bracketing IPv6 literals. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
