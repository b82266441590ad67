import type { Command } from 'commander';
import { Balancer } from '../balancer';
import { loadNginxConfig } from '../nginx/load-config';
import { formatDiagnostic } from '../nginx/errors';
import { accessLogLine, reopenOnSigusr1 } from '../balancer/access-log';
import { CliError } from './errors';
import { untilSignal } from './signals';

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description("serve the balancer where the config's server { listen } says, logging each request")
    .requiredOption('-c, --config <file>', 'nginx.conf to run')
    .option('--quiet', 'no access log')
    .action(async (options: { config: string; quiet?: boolean }) => {
      const { config, warnings } = await loadConfigOrExplain(options.config);
      for (const warning of warnings) process.stderr.write(`warning: ${formatDiagnostic(warning)}\n`);
      const balancer = new Balancer(config);
      if (!options.quiet) {
        balancer.subscribe((batch) => {
          const lines = batch.filter((r) => !r.accessLogOff).map((r) => `${accessLogLine(r)}\n`);
          if (lines.length > 0) process.stdout.write(lines.join(''));
        });
      }
      // The error_log lines (nginx's wording of upstream failures) are printed even with --quiet.
      balancer.events.on('error-log', ({ line }) => process.stderr.write(`${line}\n`));
      reopenOnSigusr1(balancer);
      let addresses;
      try {
        addresses = await balancer.listen();
      } catch (error) {
        await balancer.close(0);
        throw new CliError(`${options.config}: ${(error as Error).message}`);
      }
      for (const { host, port } of addresses)
        process.stdout.write(`listening on http://${urlHost(host)}:${port}\n`);
      await untilSignal();
      await balancer.close();
    });
}

async function loadConfigOrExplain(file: string): ReturnType<typeof loadNginxConfig> {
  try {
    return await loadNginxConfig(file);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
