import type { ClientResponse } from '../http1/client-response';
import type { LocationRoute } from './location';
import type { VariableContext } from './variables';

/**
 * nginx's log phase: the access log of the location that answered, whether it proxied or answered
 * itself; `$bytes_sent` counts the head with the body.
 */
export function writeAccessLog(
  location: LocationRoute,
  ctx: VariableContext,
  res: ClientResponse,
  status: number,
  bodyBytes: number,
): void {
  const logs = location.logs;
  if (!logs?.wantsAccess) return;
  ctx.status = status;
  const bytes = { bodyBytesSent: bodyBytes, bytesSent: res.headBytes + bodyBytes };
  logs.writeAccess({ vars: ctx, status, ...bytes, endMs: Date.now() });
}
