import { relative } from 'node:path';
import type { ProxyConfig, ServerConfig } from '../balancer/config';
import type { ComposeProject, ComposeService } from '../compose';
import { backendName } from '../lab/backend-name';
import { isNginxService, loadServiceConf, nginxConfOf, publishedPort } from './nginx-service';
import type { BalancerPlan, ImagePlan, ProjectPlan, ReplicaPlan, RoleLine, ServicePlan } from './plan';
import { ProjectError } from './project-error';
import { servicePlan } from './service-plan';

export interface ComposePlanOptions {
  /** --replicas: how many replicas of a single app service (or of the last replica service). */
  replicas?: number;
  /** --service: the app service, when the compose file has several and no nginx conf says which. */
  service?: string;
}

export interface ComposeRoles {
  image: ImagePlan;
  replicas: ReplicaPlan[];
  services: ServicePlan[];
  balancer: BalancerPlan | null;
  roles: RoleLine[];
  warnings: string[];
}

/**
 * Who is who in a compose project: the nginx service with a mounted conf is replaced by our
 * balancer (its conf drives it); the services that conf's upstream names are the replicas (one
 * app service is scaled instead); everything else runs beside them as a lab service.
 */
export async function composeRoles(
  compose: ComposeProject,
  options: ComposePlanOptions,
): Promise<ComposeRoles> {
  const byName = new Map(compose.services.map((s) => [s.name, s]));
  const warnings: string[] = [];
  const confs = await Promise.all(compose.services.map((s) => nginxConfOf(s)));
  const at = confs.findIndex((conf) => conf !== null);
  const nginx = at >= 0 ? compose.services[at]! : null;
  if (nginx) {
    const conf = confs[at]!;
    const parsed = await loadServiceConf(conf);
    const picked = pickPool(parsed.config, compose.services, nginx.name);
    if (!picked) {
      throw new ProjectError(
        `${relative(compose.dir, conf.file)}: no upstream server names a service of ${relative(compose.dir, compose.file)} ` +
          `(servers: ${serverHosts(parsed.config).join(', ') || 'none'}; services: ${[...byName.keys()].join(', ')}).`,
      );
    }
    const named = picked.servers.map((server) => ({ service: byName.get(hostOf(server.address))!, server }));
    const expanded = expandReplicas(named, options.replicas);
    const balancer: BalancerPlan = {
      file: conf.file,
      service: nginx.name,
      config: renamePool(parsed.config, picked, expanded),
      warnings: parsed.warningLines,
      port: publishedPort(nginx),
    };
    return finish(compose, expanded, nginx, balancer, warnings);
  }
  const app = await appService(compose, options.service);
  return finish(
    compose,
    expandReplicas([{ service: app, server: null }], options.replicas ?? app.replicas ?? 3),
    null,
    null,
    warnings,
  );
}

interface ExpandedReplica {
  name: string;
  service: ComposeService;
  server: ServerConfig | null;
}

/** One replica per server line, a single app service scaled to `count`, backend1..N. */
function expandReplicas(
  list: Array<{ service: ComposeService; server: ServerConfig | null }>,
  count: number | undefined,
): ExpandedReplica[] {
  const single = list.length === 1 ? list[0]! : null;
  // One server line naming one service is that service scaled: its deploy.replicas, else three.
  const wanted = count ?? (single ? (single.service.replicas ?? 3) : list.length);
  const out: ExpandedReplica[] = [];
  for (let i = 0; i < wanted; i++) {
    const from = list[Math.min(i, list.length - 1)]!;
    out.push({ name: backendName(i + 1), service: from.service, server: from.server });
  }
  return out;
}

function finish(
  compose: ComposeProject,
  replicas: ExpandedReplica[],
  nginx: ComposeService | null,
  balancer: BalancerPlan | null,
  warnings: string[],
): ComposeRoles {
  const first = replicas[0]!.service;
  if (!first.build) {
    throw new ProjectError(
      `${relative(compose.dir, compose.file)}: service "${first.name}" has no build: section; the replicas are built from the project's Dockerfile.`,
    );
  }
  const image: ImagePlan = {
    context: first.build.context,
    dockerfile: first.build.dockerfile,
    args: first.build.args,
    ...(first.build.target ? { target: first.build.target } : {}),
  };
  for (const { service } of replicas) {
    if (service.build && !sameBuild(service, first))
      warnings.push(
        `service "${service.name}" builds differently from "${first.name}": every replica runs ${first.name}'s image`,
      );
  }
  const replicaNames = new Set(replicas.map((r) => r.service.name));
  const services = compose.services
    .filter((s) => s !== nginx && !replicaNames.has(s.name))
    .flatMap((s) => {
      const plan = servicePlan(compose, s, first);
      if ('plan' in plan) return [plan.plan];
      warnings.push(plan.skipped);
      return [];
    });
  const roles: RoleLine[] = [];
  if (nginx && balancer) {
    roles.push({
      service: nginx.name,
      role: 'balancer',
      detail: `replaced by Upstream Lab's balancer; ${relative(compose.dir, balancer.file)} drives it${
        balancer.port ? ` (published port ${balancer.port})` : ''
      }`,
    });
  }
  for (const r of replicas) {
    roles.push({
      service: r.service.name,
      role: 'replica',
      detail: `${r.name}, a balanced replica of the image built from ${relative(compose.dir, image.context) || '.'}/${image.dockerfile}`,
    });
  }
  for (const s of services) {
    const kept = s.volumes.filter((v) => v.type === 'volume' && v.source).map((v) => v.source);
    roles.push({
      service: s.name,
      role: 'service',
      detail: `lab service (${s.usesProjectImage ? "the replicas' image" : s.image})${kept.length ? `; volume ${kept.join(', ')} kept` : ''}`,
    });
  }
  return {
    image,
    replicas: replicas.map((r) => replicaPlan(r)),
    services,
    balancer,
    roles,
    warnings,
  };
}

function replicaPlan({ name, service, server }: ExpandedReplica): ReplicaPlan {
  const port = server ? portOf(server.address) : (service.expose[0] ?? service.ports[0]?.target);
  const aliases = [service.name, ...(service.containerName ? [service.containerName] : [])].filter(
    (a) => a !== name,
  );
  return {
    name,
    service: service.name,
    aliases: [...new Set(aliases)],
    env: service.environment,
    ...(service.command ? { command: service.command } : {}),
    ...(service.entrypoint ? { entrypoint: service.entrypoint } : {}),
    ...(port ? { port } : {}),
    ...(service.healthcheck && !('disable' in service.healthcheck)
      ? { healthcheck: service.healthcheck }
      : {}),
    ...(service.workingDir ? { workingDir: service.workingDir } : {}),
    ...(service.user ? { user: service.user } : {}),
    ...(service.watch?.length ? { watch: service.watch } : {}),
    ...(service.volumes.length
      ? {
          volumes: service.volumes.map(({ type, source, target, readOnly }) => ({
            type,
            target,
            readOnly,
            ...(source ? { source } : {}),
          })),
        }
      : {}),
  };
}

/** The upstream whose servers name compose services (other than nginx itself), service names normalized. */
function pickPool(config: ProxyConfig, services: ComposeService[], nginx: string): Pool | null {
  const byHost = new Map<string, string>();
  for (const s of services) {
    if (s.name === nginx) continue;
    byHost.set(s.name, s.name);
    if (s.containerName) byHost.set(s.containerName, s.name);
  }
  for (const upstream of config.upstreams) {
    const hosts = new Set<string>();
    const servers = upstream.servers.flatMap((server) => {
      const host = hostOf(server.address);
      const service = byHost.get(host);
      if (!service) return [];
      hosts.add(host);
      return [{ ...server, address: server.address.replace(host, service) }];
    });
    if (servers.length > 0) return { upstream: upstream.name, servers, hosts };
  }
  return null;
}

interface Pool {
  upstream: string;
  /** The server lines that name services, with the service's name as host. */
  servers: ServerConfig[];
  /** The hosts as written (a service or container name). */
  hosts: Set<string>;
}

/** The pool's server lines naming services become one line per replica, `backendN:PORT`, with their parameters. */
function renamePool(config: ProxyConfig, pool: Pool, replicas: ExpandedReplica[]): ProxyConfig {
  const copy = structuredClone(config);
  const upstream = copy.upstreams.find((u) => u.name === pool.upstream)!;
  const lines = replicas.map((r) => ({
    ...r.server!,
    address: `${r.name}:${portOf(r.server!.address) ?? 8000}`,
  }));
  const others = upstream.servers.filter((s) => !pool.hosts.has(hostOf(s.address)));
  upstream.servers = [...lines, ...others];
  upstream.implicit = false;
  return copy;
}

async function appService(compose: ComposeProject, wanted: string | undefined): Promise<ComposeService> {
  const file = relative(compose.dir, compose.file);
  if (wanted) {
    const service = compose.services.find((s) => s.name === wanted);
    if (!service)
      throw new ProjectError(
        `${file}: no service "${wanted}" (--service); it has ${compose.services.map((s) => s.name).join(', ')}.`,
      );
    return service;
  }
  // An nginx in front (built FROM nginx) is not the app, even when its conf could not be read.
  const fronts = await Promise.all(compose.services.map((s) => isNginxService(s)));
  const built = compose.services.filter((s, i) => s.build && !fronts[i]);
  if (built.length === 1) return built[0]!;
  const published = built.filter((s) => s.ports.length > 0);
  if (published.length === 1) return published[0]!;
  if (built.length === 0)
    throw new ProjectError(
      `${file}: no service has a build: section, so there is no app to build and balance.`,
    );
  throw new ProjectError(
    `${file}: ${built.map((s) => s.name).join(', ')} all build an image; say which one to balance with --service NAME.`,
  );
}

const sameBuild = (a: ComposeService, b: ComposeService): boolean =>
  JSON.stringify(a.build) === JSON.stringify(b.build);

export const hostOf = (address: string): string => address.replace(/:\d+$/, '');
const portOf = (address: string): number | undefined => {
  const port = /:(\d+)$/.exec(address)?.[1];
  return port ? Number(port) : undefined;
};
const serverHosts = (config: ProxyConfig): string[] => [
  ...new Set(config.upstreams.flatMap((u) => u.servers.map((s) => hostOf(s.address)))),
];

/**
 * A conf given with --config for a project: its upstream servers that name the project's app
 * services (`web:8000`, `backend2:8000`, a container_name) become the replicas' `backendN`
 * lines, as for the project's own nginx service; other servers stay as they are.
 */
export function namingReplicas(config: ProxyConfig, plan: ProjectPlan): ProxyConfig {
  const byHost = new Map<string, ReplicaPlan[]>();
  for (const replica of plan.replicas) {
    for (const host of [replica.name, ...(replica.service ? [replica.service] : []), ...replica.aliases]) {
      byHost.set(host, [...(byHost.get(host) ?? []), replica]);
    }
  }
  const copy = structuredClone(config);
  for (const upstream of copy.upstreams) {
    const named = upstream.servers.filter((s) => byHost.has(hostOf(s.address)));
    if (named.length === 0) continue;
    const used = new Set<string>();
    const lines = named.flatMap((server) =>
      (byHost.get(hostOf(server.address)) ?? [])
        .filter((r) => !used.has(r.name) && used.add(r.name))
        .map((r) => ({ ...server, address: `${r.name}:${portOf(server.address) ?? r.port ?? 8000}` })),
    );
    upstream.servers = [...lines, ...upstream.servers.filter((s) => !byHost.has(hostOf(s.address)))];
    upstream.implicit = false;
  }
  return copy;
}
