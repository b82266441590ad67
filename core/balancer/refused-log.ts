import type { Refusal } from '../http1/client-connection';
import { ClientRequest } from '../http1/client-request';
import { pickServer } from './routing';
import { requestContext, type Site } from './site';

/**
 * nginx's log phase for a head it refused (400, 414, 494, 505...): an access-log line in the
 * server level of the server the request reached — the default one until a Host header said
 * otherwise — with `$request` as far as it was read and `$status` the error's.
 */
export function logRefused(sites: Site[], refusal: Refusal): void {
  const site = pickServer(sites, hostOf(refusal.rawHeaders));
  const logs = site.route.serverLevel.logs;
  if (!logs?.wantsAccess) return;
  const line = refusal.line;
  const head = {
    method: line?.method ?? '',
    target: line?.target ?? '',
    versionMajor: line?.versionMajor ?? 1,
    versionMinor: line?.versionMinor ?? 0,
    rawHeaders: refusal.rawHeaders,
    length: refusal.length,
  };
  const req = new ClientRequest(head, refusal.socket, null);
  // 494 goes out as a 400 (with its own page), and is logged so.
  const status = refusal.status === 494 ? 400 : refusal.status;
  const vars = { ...requestContext(req, site), refused: refusal, status };
  logs.writeAccess({
    vars,
    status,
    bodyBytesSent: refusal.bodyBytes,
    bytesSent: refusal.sentBytes,
    endMs: Date.now(),
  });
}

function hostOf(raw: readonly string[]): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'host') return raw[i + 1];
  return undefined;
}
