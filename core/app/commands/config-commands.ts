import type { LabController } from '../lab-controller';
import type { CommandGroup } from './table';

export function configCommands(lab: LabController): CommandGroup<'config.import' | 'config.export'> {
  return {
    'config.import': {
      async handle({ text, file }) {
        return lab.importConfig(text, file);
      },
    },
    'config.export': {
      query: true,
      async handle({ format }) {
        return lab.exportConfig(format);
      },
    },
  };
}
