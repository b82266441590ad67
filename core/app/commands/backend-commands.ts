import type { RandomFaults } from '../../chaos/random-faults';
import type { LabController } from '../lab-controller';
import type { LabSession } from '../session';
import { ACK, type CommandGroup } from './table';

type BackendCommand = 'backend.action' | 'backend.toxic' | 'backend.set' | 'chaos.start' | 'chaos.stop';

/** The running lab's backend `name`, or a refusal naming the ones it has. */
export function backendOf(lab: LabController, name: string): LabSession {
  const session = lab.requireSession();
  const names = session.backends().map((b) => b.name);
  if (!names.includes(name))
    throw new Error(`${name} is not a backend of this lab (${names.join(', ') || 'none yet'})`);
  return session;
}

export function backendCommands(lab: LabController, chaos: RandomFaults): CommandGroup<BackendCommand> {
  return {
    'backend.action': {
      async handle({ backend, action, restoreAfterSec }) {
        const session = backendOf(lab, backend);
        if (restoreAfterSec !== undefined && action !== 'restore')
          await session.actionFor(backend, action, restoreAfterSec);
        else await session.action(backend, action);
        return ACK;
      },
    },
    'backend.toxic': {
      async handle({ backend, toxic }) {
        backendOf(lab, backend).setToxic(backend, toxic);
        return ACK;
      },
    },
    'backend.set': {
      async handle({ backend, params }) {
        await lab.setBackend(backend, params);
        return ACK;
      },
    },
    'chaos.start': {
      async handle(options) {
        lab.requireSession();
        chaos.start(options);
        return ACK;
      },
    },
    'chaos.stop': {
      async handle() {
        chaos.stop();
        return ACK;
      },
    },
  };
}
