import type { Command } from 'commander';
import { createLab } from '../docker';
import { connectOrExplain } from './engine';
import { labOption } from './lab-options';

export function registerStatus(program: Command): void {
  labOption(program.command('status').description("show the lab's replicas")).action(
    async (options: { lab: string }) => {
      const engine = await connectOrExplain();
      const lab = createLab({ lab: options.lab, project: '.', docker: engine.docker });
      const status = await lab.status();
      lab.close();
      engine.close();
      if (status.replicas.length === 0) {
        process.stdout.write(`lab "${options.lab}": no containers\n`);
        return;
      }
      process.stdout.write(`lab "${options.lab}": image ${status.image}, network ${status.network}\n`);
      for (const r of status.replicas) {
        const where = r.port ? `${r.host}:${r.port}` : 'no published port';
        const flags = [r.ready ? 'ready' : 'not ready', r.connected ? '' : 'disconnected']
          .filter(Boolean)
          .join(', ');
        process.stdout.write(
          `  ${r.name.padEnd(10)} ${r.container.padEnd(24)} ${r.state.padEnd(9)} ${where} (${flags})\n`,
        );
      }
    },
  );
}
