import type { Command } from 'commander';
import { createLab, type ReplicaInfo } from '../docker';
import { probeOnce } from '../lab/readiness';
import { connectOrExplain } from './engine';
import { cli } from './language';
import { labOption } from './lab-options';

export function registerStatus(program: Command): void {
  labOption(program.command('status').description("show the lab's replicas")).action(
    async (options: { lab: string }) => {
      const engine = await connectOrExplain();
      const lab = createLab({ lab: options.lab, project: '.', docker: engine.docker });
      const { t } = cli();
      const status = await lab.status();
      lab.close();
      engine.close();
      if (status.replicas.length === 0) {
        process.stdout.write(`${t('cli:status.none', { lab: options.lab })}\n`);
        return;
      }
      process.stdout.write(
        `${t('cli:status.head', { lab: options.lab, image: status.image, network: status.network })}\n`,
      );
      // This process never probed the replicas (the lab's `ready` is "as last probed"): ask once now.
      const ready = await Promise.all(status.replicas.map((r) => answersHealth(r)));
      for (const [i, r] of status.replicas.entries()) {
        const where = r.port ? `${r.host}:${r.port}` : t('cli:status.noPort');
        const flags = [
          ready[i] ? t('cli:status.ready') : t('cli:status.notReady'),
          r.connected ? '' : t('cli:status.disconnected'),
        ]
          .filter(Boolean)
          .join(', ');
        process.stdout.write(
          `  ${r.name.padEnd(10)} ${r.container.padEnd(24)} ${r.state.padEnd(9)} ${where} (${flags})\n`,
        );
      }
    },
  );
}

/** One GET /health on the published port, as the lab's readiness probe does. */
async function answersHealth(replica: ReplicaInfo): Promise<boolean> {
  if (replica.state !== 'running' || !replica.connected || replica.port === undefined) return false;
  try {
    const status = await probeOnce(replica.host, replica.port, '/health', 1000);
    return status >= 200 && status < 400;
  } catch {
    return false;
  }
}
