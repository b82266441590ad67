import type { CompiledAddHeader } from './location';
import type { VariableContext } from './variables';

/** Upstream headers nginx does not pass on: hop-by-hop ones and those it sets itself. */
const HIDDEN = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'trailer',
  'date',
  'server',
  'x-pad',
  'x-accel-expires',
  'x-accel-redirect',
  'x-accel-limit-rate',
  'x-accel-buffering',
  'x-accel-charset',
]);

/** Statuses `add_header` applies to without `always`. */
const ADD_HEADER_STATUSES = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

/** The upstream's headers as the client gets them (flat name/value list), with our Server header. */
export function filterResponseHeaders(upstream: readonly string[]): string[] {
  const out = ['Server', 'upstream-lab'];
  for (let i = 0; i < upstream.length; i += 2) {
    const name = upstream[i]!;
    if (!HIDDEN.has(name.toLowerCase())) out.push(name, upstream[i + 1]!);
  }
  return out;
}

/** nginx `add_header`: only on success statuses unless `always`; an empty value adds nothing. */
export function applyAddHeaders(
  headers: string[],
  addHeaders: readonly CompiledAddHeader[],
  status: number,
  ctx: VariableContext,
): void {
  if (addHeaders.length === 0) return;
  const success = ADD_HEADER_STATUSES.has(status);
  for (const header of addHeaders) {
    if (!header.always && !success) continue;
    const value = header.value(ctx);
    if (value !== '') headers.push(header.name, value);
  }
}
