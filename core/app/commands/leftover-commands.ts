import type { LabController } from '../lab-controller';
import type { Leftovers } from '../leftovers';
import { ACK, type CommandGroup } from './table';

type LeftoverCommand = 'leftovers.scan' | 'leftovers.adopt' | 'leftovers.remove';

export function leftoverCommands(lab: LabController, leftovers: Leftovers): CommandGroup<LeftoverCommand> {
  return {
    'leftovers.scan': {
      async handle() {
        if (lab.settings.runtime === 'docker') await leftovers.scan(lab.running);
        return ACK;
      },
    },
    'leftovers.adopt': {
      async handle({ lab: name }) {
        leftovers.forget(name);
        await lab.start({ lab: name, runtime: 'docker' });
        return ACK;
      },
    },
    'leftovers.remove': {
      async handle({ lab: name }) {
        await leftovers.remove(name, lab.running);
        return ACK;
      },
    },
  };
}
