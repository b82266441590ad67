import { Option, type Command } from 'commander';
import { buildOfflineImage, ensureOfflineImage } from '../images/offline-image';
import { pythonRecipe } from '../images/python-recipe';
import { nginxRecipe, postgresRecipe, type OfflineRecipe } from '../images/recipes';
import { rootfsBlocker } from '../images/rootfs';
import { connectOrExplain } from './engine';
import { CliError } from './errors';

interface BaseImageOptions {
  python?: '3.13' | '3.11';
  postgres?: boolean;
  nginx?: boolean;
  all?: boolean;
  force?: boolean;
  debianMirror?: string;
}

export function registerBaseImage(program: Command): void {
  program
    .command('base-image')
    .description(
      'build the offline images from Debian packages (Linux, root): Python bases, and stand-ins for postgres and nginx',
    )
    .addOption(
      new Option('--python <version>', 'the Python base: 3.13 (Debian trixie) or 3.11 (bookworm)').choices([
        '3.13',
        '3.11',
      ]),
    )
    .option('--postgres', 'the stand-in for postgres:* images (PostgreSQL 17, trixie)')
    .option('--nginx', 'the stand-in for nginx:* images (nginx 1.22, bookworm)')
    .option('--all', 'all of them')
    .option('--force', 'build again even when an image from the same recipe is there')
    .option('--debian-mirror <url>', 'Debian mirror for debootstrap (default http://deb.debian.org/debian)')
    .action(async (options: BaseImageOptions) => {
      const recipes = chosen(options);
      const blocker = rootfsBlocker();
      if (blocker) throw new CliError(blocker);
      const engine = await connectOrExplain();
      const onLog = (line: string): void => void process.stdout.write(`${line}\n`);
      try {
        for (const recipe of recipes) {
          const started = Date.now();
          const imageOptions = {
            onLog,
            ...(options.debianMirror ? { debianMirror: options.debianMirror } : {}),
          };
          const built = options.force
            ? (await buildOfflineImage(engine.docker, recipe, imageOptions), true)
            : (await ensureOfflineImage(engine.docker, recipe, imageOptions)).built;
          const took = ((Date.now() - started) / 1000).toFixed(0);
          onLog(
            built
              ? `built ${recipe.tag} (${recipe.title}) in ${took} s`
              : `${recipe.tag} is up to date (${recipe.title})`,
          );
        }
      } catch (error) {
        throw new CliError(`base-image: ${(error as Error).message}`);
      } finally {
        engine.close();
      }
    });
}

function chosen(options: BaseImageOptions): OfflineRecipe[] {
  if (options.all) return [pythonRecipe('trixie'), pythonRecipe('bookworm'), postgresRecipe(), nginxRecipe()];
  const out: OfflineRecipe[] = [];
  if (options.python === '3.11') out.push(pythonRecipe('bookworm'));
  if (options.python === '3.13') out.push(pythonRecipe('trixie'));
  if (options.postgres) out.push(postgresRecipe());
  if (options.nginx) out.push(nginxRecipe());
  // Without a choice: the course's Python 3.13.
  return out.length > 0 ? out : [pythonRecipe('trixie')];
}
