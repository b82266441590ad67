import type { Command } from 'commander';
import { createLab } from '../docker';
import { connectOrExplain } from './engine';
import { labOption } from './lab-options';

export function registerDown(program: Command): void {
  labOption(program.command('down').description("remove the lab's containers and network")).action(
    async (options: { lab: string }) => {
      const engine = await connectOrExplain();
      const lab = createLab({ lab: options.lab, project: '.', docker: engine.docker });
      const before = await lab.status();
      await lab.down();
      lab.close();
      engine.close();
      process.stdout.write(`lab "${options.lab}": removed ${before.replicas.length} container(s)\n`);
    },
  );
}
