import type { ClientRequest } from '../http1/client-request';
import type { ServerBlockConfig } from './config';
import { RequestBody } from './request-body';

/** A chunked client body up to this size is sent with a Content-Length, as nginx always does. */
const CHUNKED_BUFFER_LIMIT = 64 * 1024;
/** Request bodies up to this size are kept so that a retry can resend them. */
const REPLAY_LIMIT = 1024 * 1024;

/** The server block's limits on reading a client's body. */
export type ClientLimits = Pick<
  ServerBlockConfig,
  'clientBodyTimeoutMs' | 'clientMaxBodySize' | 'sendTimeoutMs'
>;

export interface ExchangeBody {
  body: RequestBody | null;
  /** Content-Length for the upstream request; -1 when there is none. */
  length: number;
}

/**
 * The client's body as the upstream request will carry it: none, its Content-Length, or a chunked
 * body read up to 64 KiB first so that a small one goes with a length (a larger one is re-chunked).
 * `ready` runs once the framing is known.
 */
export function openExchangeBody(
  req: ClientRequest,
  limits: ClientLimits,
  on: { idle(): void; tooLarge(): void },
  ready: (body: ExchangeBody) => void,
): RequestBody | null {
  const bodyLimits = {
    idleTimeoutMs: limits.clientBodyTimeoutMs,
    maxSize: limits.clientMaxBodySize,
    onIdle: on.idle,
    onTooLarge: on.tooLarge,
  };
  if (req.headers['transfer-encoding'] !== undefined) {
    const body = new RequestBody(req.body!, REPLAY_LIMIT, bodyLimits);
    void body.bufferUpTo(CHUNKED_BUFFER_LIMIT).then((complete) => {
      if (!complete) body.chunked = true;
      ready({ body, length: complete ? body.bufferedLength : -1 });
    });
    return body;
  }
  const header = req.headers['content-length'];
  const length = header === undefined ? -1 : Number(header);
  const body = length > 0 ? new RequestBody(req.body!, REPLAY_LIMIT, bodyLimits) : null;
  ready({ body, length });
  return body;
}
