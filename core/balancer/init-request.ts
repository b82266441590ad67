import type { ClientRequest } from '../http1/client-request';
import type { ProxyRoute } from './location';
import { ipHashKey } from './methods/ip-hash';
import type { PickState } from './pick-state';
import type { VariableContext } from './variables';

/**
 * The balancing method's `init` for one request (nginx's `peer.init`): the tries budget, and the
 * key ip_hash (the client's address) or hash (the evaluated key) picks by.
 */
export function initRequest(route: ProxyRoute, req: ClientRequest, ctx: VariableContext): PickState {
  const state = route.upstream.begin(route.settings.nextUpstreamTries);
  if (route.upstream.method.kind === 'ip_hash') state.clientKey = ipHashKey(req.socket.remoteAddress);
  else if (route.hashKey) state.key = route.hashKey(ctx);
  return state;
}
