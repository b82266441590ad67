import { labSettings } from '../../api/contract';
import { SAMPLE_BACKEND } from '../../lab/sample';
import type { EngineLink } from '../engine-link';
import type { LabController } from '../lab-controller';
import { loadProject } from '../project-loader';
import { projectView } from '../project-tracker';
import { ACK, type CommandGroup } from './table';

type LabCommand =
  | 'lab.start'
  | 'lab.stop'
  | 'lab.scale'
  | 'lab.rollout'
  | 'canary.start'
  | 'canary.promote'
  | 'canary.rollback'
  | 'build.cancel'
  | 'project.inspect'
  | 'engine.retry';

export function labCommands(lab: LabController, engine: EngineLink): CommandGroup<LabCommand> {
  return {
    'lab.start': {
      async handle(input) {
        await lab.start(input);
        return ACK;
      },
    },
    'lab.stop': {
      async handle() {
        await lab.stop();
        return ACK;
      },
    },
    'lab.scale': {
      async handle({ replicas }) {
        await lab.scale(replicas);
        return ACK;
      },
    },
    'lab.rollout': {
      async handle(waves) {
        await lab.rollout(waves);
        return ACK;
      },
    },
    'canary.start': {
      async handle({ percent, replicas }) {
        await lab.startCanary(percent, replicas);
        return ACK;
      },
    },
    'canary.promote': {
      async handle(waves) {
        await lab.promoteCanary(waves);
        return ACK;
      },
    },
    'canary.rollback': {
      async handle() {
        await lab.rollbackCanary();
        return ACK;
      },
    },
    'build.cancel': {
      async handle() {
        lab.session?.cancelBuild();
        return ACK;
      },
    },
    'project.inspect': {
      query: true,
      async handle(input) {
        const settings = labSettings.parse({ ...lab.settings, ...input });
        if (settings.runtime === 'demo') return { project: null, error: null };
        try {
          const plan = await loadProject(settings, settings.project || SAMPLE_BACKEND, input.replicas);
          return { project: projectView(plan), error: null };
        } catch (error) {
          return { project: null, error: (error as Error).message };
        }
      },
    },
    'engine.retry': {
      async handle() {
        await engine.connect();
        return ACK;
      },
    },
  };
}
