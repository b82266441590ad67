import type { Caller } from './caller';
import type { CommandName } from './contract';
import { toErrorShape } from './validate';
import { callMessage, type ReplyMessage } from './wire';
import type { App } from '../app/app';

/**
 * Answers one command message from a renderer, whatever the transport (IPC or WebSocket):
 * validated shape, known command, validated input; anything else is refused with an error
 * reply, logged, and has no effect. `caller`: the connection it came over (it owns what it opens).
 */
export async function answerCall(app: App, message: unknown, caller?: Caller): Promise<ReplyMessage> {
  const parsed = callMessage.safeParse(message);
  const id = parsed.success ? parsed.data.id : -1;
  try {
    if (!parsed.success) throw Object.assign(new Error('malformed message'), { name: 'InvalidRequestError' });
    // The App checks the name and the input against the command's schema.
    return { id, result: await app.call(parsed.data.command as CommandName, parsed.data.input, caller) };
  } catch (error) {
    const shape = toErrorShape(error);
    app.log('lab', `api: refused a message: ${shape.message}`, 'stderr');
    return { id, error: shape };
  }
}
