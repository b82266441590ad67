export interface RequestSpec {
  url: URL;
  method: string;
  headers: readonly (readonly [string, string])[];
  body: Uint8Array | null;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SET_BY_US = new Set(['content-length', 'transfer-encoding', 'connection']);

/**
 * The whole request, built once: every request of a run is the same bytes. Host and User-Agent
 * unless given; Content-Length from the body; keep-alive is HTTP/1.1's default.
 */
export function requestBytes(spec: RequestSpec): Buffer {
  if (!TOKEN.test(spec.method)) throw new Error(`"${spec.method}" is not an HTTP method`);
  const given = new Set(spec.headers.map(([name]) => name.toLowerCase()));
  const lines = [`${spec.method} ${spec.url.pathname}${spec.url.search} HTTP/1.1`];
  if (!given.has('host')) lines.push(`Host: ${spec.url.host}`);
  if (!given.has('user-agent')) lines.push('User-Agent: upstream-lab');
  for (const [name, value] of spec.headers) {
    if (!TOKEN.test(name)) throw new Error(`"${name}" is not a header name`);
    if (/[\r\n\0]/.test(value)) throw new Error(`the value of header ${name} contains a line break`);
    if (!SET_BY_US.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  }
  if (spec.body) lines.push(`Content-Length: ${spec.body.byteLength}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return spec.body ? Buffer.concat([head, spec.body]) : head;
}

/** `K: V` (the CLI's --header) to a pair. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!TOKEN.test(name)) throw new Error(`header "${text}" is not "Name: value"`);
  return [name, text.slice(colon + 1).trim()];
}
