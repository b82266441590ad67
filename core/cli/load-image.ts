import type { Command } from 'commander';
import { loadImageArchive } from '../images/import';
import { connectOrExplain } from './engine';
import { CliError } from './errors';

export function registerLoadImage(program: Command): void {
  program
    .command('load-image')
    .description(
      'load images from an archive made by `docker save` (e.g. python:3.13 carried in on a USB stick)',
    )
    .argument('<file>', 'the .tar archive')
    .action(async (file: string) => {
      const engine = await connectOrExplain();
      try {
        const loaded = await loadImageArchive(engine.docker, file);
        process.stdout.write(
          loaded.length ? loaded.map((image) => `loaded ${image}\n`).join('') : 'no image in the archive\n',
        );
      } catch (error) {
        throw new CliError(`load-image: ${(error as Error).message}`);
      } finally {
        engine.close();
      }
    });
}
