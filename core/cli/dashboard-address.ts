import { parseListen } from '../lab/default-config';
import { isLoopback } from '../server/allowed-hosts';
import { CliError } from './errors';
import { USAGE_EXIT } from './lab-options';

/**
 * Where `--dashboard` may listen: loopback, unless `--dashboard-public` says other machines may
 * reach it; then the warning says what guards it. Checked before anything starts.
 */
export function checkDashboardAddress(
  listen: string,
  allowPublic: boolean,
  warn: (line: string) => void,
): void {
  const { host } = parseListen(listen);
  if (isLoopback(host)) return;
  if (!allowPublic) {
    throw new CliError(
      `--dashboard ${listen}: ${host} is not a loopback address, so other machines could reach the dashboard; ` +
        'use 127.0.0.1:PORT, or add --dashboard-public to serve it there anyway',
      USAGE_EXIT,
    );
  }
  warn(
    `warning: --dashboard-public: the dashboard on ${listen} can be reached from other machines; ` +
      'its token is the only guard (anyone with the URL controls the lab and its containers)',
  );
}
