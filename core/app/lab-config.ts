import type { BackendParams, LabSettings } from '../api/contract';
import type { BalanceMethod, ProxyConfig, ServerConfig } from '../balancer/config';
import { DEFAULT_LISTEN, defaultLabConfig, parseListen } from '../lab/default-config';
import { replicaName } from '../lab/replica-peers';

export const DEFAULT_SETTINGS: LabSettings = {
  lab: 'default',
  runtime: 'docker',
  project: '',
  composeFile: '',
  service: '',
  replicas: 3,
  listen: '',
  baseImage: '',
  registryMirrors: [],
  pipIndex: '',
  offline: false,
  wheelhouse: '',
  env: {},
  envFiles: [],
  command: '',
  readyPath: '',
  database: '',
  method: 'round_robin',
  hashKey: '',
  hashConsistent: false,
  randomTwo: false,
  failureDetection: 'nginx',
  defaults: { weight: 1, maxFails: 3, failTimeoutSec: 30, backup: false },
  backends: {},
};

/** The settings' balancing method as the balancer takes it; `hash` needs its key. */
export function methodOf(
  settings: Pick<LabSettings, 'method' | 'hashKey' | 'hashConsistent' | 'randomTwo'>,
): BalanceMethod {
  const kind = settings.method;
  switch (kind) {
    case 'hash': {
      const key = settings.hashKey.trim();
      if (!key) throw new Error('the hash method needs a key, e.g. $request_uri or $remote_addr');
      return { kind, key, consistent: settings.hashConsistent };
    }
    case 'random':
      return { kind, two: settings.randomTwo, leastConn: false };
    default:
      return { kind };
  }
}

export function paramsFor(settings: LabSettings, backend: string): BackendParams {
  return { ...settings.defaults, ...settings.backends[backend] };
}

function applyParams(server: ServerConfig, params: BackendParams): ServerConfig {
  return {
    ...server,
    weight: params.weight,
    maxFails: params.maxFails,
    failTimeoutSec: params.failTimeoutSec,
    backup: params.backup,
  };
}

/**
 * The balancer config for the settings: an imported nginx.conf if any (its backendN servers take
 * the parameters as tuned since), else the lab's default with the settings' method.
 */
export function labConfig(
  settings: LabSettings,
  imported: ProxyConfig | null,
  listenAt = settings.listen,
): ProxyConfig {
  const listen = parseListen(listenAt || DEFAULT_LISTEN);
  const config = imported ? structuredClone(imported) : defaultLabConfig(settings.replicas, listen);
  for (const server of config.servers) server.listen = [listen];
  if (!imported) config.upstreams[0]!.method = methodOf(settings);
  else {
    // The conf's method until the settings choose another (settingsFromConfig took the conf's).
    const upstream = labUpstream(config);
    const chosen = methodOf(settings);
    if (upstream && !sameMethod(upstream.method, chosen)) upstream.method = chosen;
  }
  for (const upstream of config.upstreams) {
    upstream.servers = upstream.servers.map((server) => {
      const name = replicaName(server.address);
      return name ? applyParams(server, paramsFor(settings, name)) : server;
    });
  }
  return config;
}

/** What an imported config says about the settings: replica count, method, per-backend parameters. */
export function settingsFromConfig(settings: LabSettings, config: ProxyConfig): LabSettings {
  const upstream = labUpstream(config);
  if (!upstream) return settings;
  const replicas = upstream.servers.filter((s) => replicaName(s.address));
  const backends: LabSettings['backends'] = {};
  for (const server of replicas) {
    backends[replicaName(server.address)!] = {
      weight: server.weight,
      maxFails: server.maxFails,
      failTimeoutSec: server.failTimeoutSec,
      backup: server.backup,
    };
  }
  const method = upstream.method;
  return {
    ...settings,
    replicas: replicas.length || settings.replicas,
    method: method.kind,
    hashKey: method.kind === 'hash' ? method.key : settings.hashKey,
    hashConsistent: method.kind === 'hash' ? method.consistent : settings.hashConsistent,
    randomTwo: method.kind === 'random' ? method.two : settings.randomTwo,
    backends,
  };
}

/** The upstream whose servers are the lab's replicas (backendN), else the first. */
function labUpstream(config: ProxyConfig): ProxyConfig['upstreams'][number] | undefined {
  return config.upstreams.find((u) => u.servers.some((s) => replicaName(s.address))) ?? config.upstreams[0];
}

/** The same balancing: `random two` and `random two least_conn` are one (least_conn is two's default). */
function sameMethod(a: BalanceMethod, b: BalanceMethod): boolean {
  if (a.kind === 'hash' && b.kind === 'hash') return a.key === b.key && a.consistent === b.consistent;
  if (a.kind === 'random' && b.kind === 'random') return a.two === b.two;
  return a.kind === b.kind;
}
