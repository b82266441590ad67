import type { Command } from 'commander';
import type Docker from 'dockerode';
import { createLab } from '../docker';
import { LABEL_LAB, labFilter } from '../docker/labels';
import { listLabVolumes } from '../docker/volumes';
import { LabHeldError } from '../state/lock-owner';
import { connectOrExplain } from './engine';
import { CliError } from './errors';
import { cli } from './language';
import { labOption } from './lab-options';

export function registerDown(program: Command): void {
  labOption(
    program
      .command('down')
      .description("remove the lab's containers and network (its volumes stay unless --volumes)")
      .option('--volumes', "also remove the lab's volumes (the database's data)"),
  ).action(async (options: { lab: string; volumes?: boolean }) => {
    const engine = await connectOrExplain();
    const lab = createLab({ lab: options.lab, project: '.', docker: engine.docker });
    const containers = await countLabContainers(engine.docker, options.lab);
    const volumes = await listLabVolumes(engine.docker, options.lab);
    await lab.down({ volumes: options.volumes ?? false }).catch((error: unknown) => {
      engine.close();
      throw error instanceof LabHeldError ? new CliError(error.message) : error;
    });
    lab.close();
    engine.close();
    const { t } = cli();
    const kept = options.volumes
      ? t('cli:down.volumesRemoved', { count: volumes.length })
      : volumes.length
        ? t('cli:down.volumesKept', { volumes: volumes.join(', ') })
        : '';
    process.stdout.write(`${t('cli:down.removed', { lab: options.lab, containers, kept })}\n`);
  });
}

async function countLabContainers(docker: Docker, lab: string): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [labFilter(lab)] } });
  return list.filter((c) => c.Labels?.[LABEL_LAB] === lab).length;
}
