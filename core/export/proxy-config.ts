import type { LabSettings } from '../api/contract';
import type { ProxyConfig, UpstreamConfig } from '../balancer/config';
import { labConfig, methodOf, paramsFor } from '../app/lab-config';
import { replicaName } from '../lab/replica-peers';
import { ConfigError, parseNginxConfig } from '../nginx';
import type { LabRecord } from '../state/lab-record';
import { ExportError } from './errors';
import { backendName } from '../lab/backend-name';

/** nginx's port inside its container; Compose publishes settings.listen's port onto it. */
export const CONTAINER_HTTP_PORT = 80;
export const REPLICA_PORT = 8000;

/** `backend1` … `backendN`: the lab's replicas, also its Compose services. */
export function replicaNames(settings: LabSettings): string[] {
  return Array.from({ length: settings.replicas }, (_, i) => backendName(i + 1));
}

/**
 * The ProxyConfig a lab exports: labConfig (the imported nginx.conf, or the course's), with the
 * parameters as tuned, exactly the lab's replicas, and every server block on port 80.
 */
export function exportedProxyConfig(record: LabRecord): ProxyConfig {
  const { settings } = record;
  const config = labConfig(settings, importedConfig(record));
  if (record.importedConfig) retune(config, settings);
  for (const server of config.servers) {
    server.listen = [{ host: '0.0.0.0', port: CONTAINER_HTTP_PORT, defaultServer: false }];
  }
  return config;
}

function importedConfig(record: LabRecord): ProxyConfig | null {
  const imported = record.importedConfig;
  if (!imported) return null;
  try {
    return parseNginxConfig(imported.text, imported.file).config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ExportError(`the lab's imported nginx.conf no longer parses: ${error.message}`, {
      cause: error,
    });
  }
}

/**
 * labConfig tunes an imported config's server lines; the export also follows a method chosen
 * since the import, and names exactly the lab's replicas.
 */
function retune(config: ProxyConfig, settings: LabSettings): void {
  const pool = config.upstreams.find((upstream) => upstream.servers.some((s) => replicaName(s.address)));
  if (!pool) return;
  if (pool.method.kind !== settings.method && pool.method.kind !== 'hash') pool.method = methodOf(settings);
  matchReplicas(pool, settings);
}

/** The pool names exactly backend1..N: Compose runs those, and nginx refuses a name that does not resolve. */
function matchReplicas(pool: UpstreamConfig, settings: LabSettings): void {
  const wanted = replicaNames(settings);
  const template = pool.servers.find((s) => replicaName(s.address))!;
  const present = new Set(pool.servers.map((s) => replicaName(s.address)));
  pool.servers = pool.servers.filter((s) => {
    const name = replicaName(s.address);
    return name === undefined || wanted.includes(name);
  });
  for (const name of wanted.filter((n) => !present.has(n))) {
    pool.servers.push({
      ...template,
      address: `${name}:${REPLICA_PORT}`,
      down: false,
      ...paramsFor(settings, name),
    });
  }
}
