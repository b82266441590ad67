import type { Command } from 'commander';
import { baseImageBlocker, buildBaseImage, OFFLINE_BASE_IMAGE } from '../docker';
import { connectOrExplain } from './engine';
import { CliError } from './errors';

export function registerBaseImage(program: Command): void {
  program
    .command('base-image')
    .description(`build the offline base image ${OFFLINE_BASE_IMAGE} from Debian packages (Linux, root)`)
    .option('--debian-mirror <url>', 'Debian mirror for debootstrap (default http://deb.debian.org/debian)')
    .option('--tag <image>', 'image name', OFFLINE_BASE_IMAGE)
    .action(async (options: { debianMirror?: string; tag: string }) => {
      const blocker = baseImageBlocker();
      if (blocker) throw new CliError(blocker);
      const engine = await connectOrExplain();
      try {
        const started = Date.now();
        await buildBaseImage(engine.docker, {
          tag: options.tag,
          debianMirror: options.debianMirror,
          onLog: (line) => process.stdout.write(`${line}\n`),
        });
        process.stdout.write(`built ${options.tag} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      } catch (error) {
        throw new CliError(`base image: ${(error as Error).message}`);
      } finally {
        engine.close();
      }
    });
}
