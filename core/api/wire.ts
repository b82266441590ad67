import { z } from 'zod';
import type { ApiErrorShape, ApiEvents, EventName } from './contract';

/** A command as it travels over the WebSocket or IPC: the input is checked per command later. */
export const callMessage = z
  .object({
    id: z.number().int().nonnegative(),
    command: z.string().max(64),
    input: z.unknown(),
  })
  .strict();
export type CallMessage = z.infer<typeof callMessage>;

export type ReplyMessage = { id: number; result: unknown } | { id: number; error: ApiErrorShape };

export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: ApiEvents[E];
}

export type ServerMessage = ReplyMessage | EventMessage;
