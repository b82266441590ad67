import type { CompiledAddHeader } from './location';
import type { VariableContext } from './variables';

/** Statuses `add_header` applies to without `always` (ngx_http_headers_filter). */
const ADD_HEADER_STATUSES = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

/**
 * nginx `add_header`: only on those statuses unless `always`; an empty value adds nothing. Each
 * value sees the headers so far as `$sent_http_*`, earlier add_header lines included.
 */
export function applyAddHeaders(
  headers: string[],
  addHeaders: readonly CompiledAddHeader[],
  status: number,
  ctx: VariableContext,
): void {
  if (addHeaders.length === 0) return;
  const success = ADD_HEADER_STATUSES.has(status);
  const seen: VariableContext = { ...ctx, sentHeaders: headers };
  for (const header of addHeaders) {
    if (!header.always && !success) continue;
    const value = header.value(seen);
    if (value !== '') headers.push(header.name, value);
  }
}
