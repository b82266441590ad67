import { replicaName } from '../lab/replica-peers';
import { InvalidProxyConfigError, writeNginxConfig } from '../nginx';
import type { LabRecord } from '../state/lab-record';
import { ExportError } from './errors';
import { exportedProxyConfig, replicaNames } from './proxy-config';

export interface NginxExportOptions {
  /**
   * Where nginx reaches a replica (`backend2` → `127.0.0.1:19002`). Default: its Compose service,
   * `backend2:8000`. Tests use it because `nginx -t` resolves every server name.
   */
  addressFor?: (backend: string) => string;
}

/**
 * The lab as an nginx.conf in the course's form (events {}; http { upstream backend_pool { … }
 * server { listen 80; location / { proxy_pass …; proxy_set_header … } } }), with the weights and
 * parameters as tuned, for running beside the replicas in Docker Compose.
 */
export function exportNginx(record: LabRecord, options: NginxExportOptions = {}): string {
  const { addressFor } = options;
  try {
    const text = writeNginxConfig(exportedProxyConfig(record), {
      explicitServerDefaults: true,
      mapAddress: (address) => {
        const name = replicaName(address);
        return name && addressFor ? addressFor(name) : address;
      },
    });
    return `${header(record)}${text}`;
  } catch (error) {
    if (!(error instanceof InvalidProxyConfigError)) throw error;
    throw new ExportError(`the lab's settings make an nginx.conf nginx would refuse: ${error.message}`, {
      cause: error,
    });
  }
}

function header(record: LabRecord): string {
  const imported = record.importedConfig;
  const source = imported ? `from ${fileName(imported.file)}` : "from the course's nginx.conf";
  const replicas = replicaNames(record.settings);
  const services =
    replicas.length === 1 ? `service ${replicas[0]}` : `services ${replicas[0]}..${replicas.at(-1)}`;
  return [
    `# Lab "${record.settings.lab}", exported by Upstream Lab ${source} with the weights and parameters as tuned.`,
    `# The replicas are the Compose ${services} on port 8000; nginx listens on 80.`,
    '',
    '',
  ].join('\n');
}

/** The base name only (no home folder in a handed-in file), on one line so the comment holds. */
const fileName = (path: string): string => (path.split(/[\\/]/).at(-1) ?? path).replace(/[\r\n]+/g, ' ');
