import type { ComposeProject, ComposeService } from '../compose';
import type { ServicePlan } from './plan';
import { ProjectError } from './project-error';
import { relative } from 'node:path';

/** Ports to wait for when a well-known image has no healthcheck. */
const KNOWN_PORTS: Array<[RegExp, number]> = [
  [/^(postgres|postgis\/postgis|timescale\/timescaledb)/, 5432],
  [/^(mysql|mariadb)/, 3306],
  [/^(redis|valkey|eqalpha\/keydb)/, 6379],
  [/^memcached/, 11211],
  [/^rabbitmq/, 5672],
  [/^mongo/, 27017],
  [/^(elasticsearch|opensearch)/, 9200],
];

/**
 * A compose service that is neither the balancer nor a replica: run beside them on the lab
 * network. One that builds an image of its own is left out, with why (the lab builds only the
 * replicas' image).
 */
export function servicePlan(
  compose: ComposeProject,
  service: ComposeService,
  app: ComposeService,
): { plan: ServicePlan } | { skipped: string } {
  const at = `${relative(compose.dir, compose.file)}:${service.at.line}:${service.at.col}`;
  const usesProjectImage =
    Boolean(service.build) && JSON.stringify(service.build) === JSON.stringify(app.build);
  if (service.build && !usesProjectImage) {
    return {
      skipped:
        `${at}: service "${service.name}" is not started: it builds its own image ` +
        `(${relative(compose.dir, service.build.context) || '.'}/${service.build.dockerfile}) and the lab builds ` +
        "only the replicas'. Build it yourself and give it as image: to run it too.",
    };
  }
  if (!service.image && !usesProjectImage) {
    throw new ProjectError(`${at}: service "${service.name}" has neither image: nor build:.`);
  }
  const image = service.image ?? '';
  const waitPort = knownPort(image) ?? service.expose[0] ?? service.ports[0]?.target;
  const plan: ServicePlan = {
    name: service.name,
    image,
    usesProjectImage,
    aliases: service.containerName && service.containerName !== service.name ? [service.containerName] : [],
    env: service.environment,
    ...(service.command ? { command: service.command } : {}),
    ...(service.entrypoint ? { entrypoint: service.entrypoint } : {}),
    volumes: service.volumes.map(({ type, source, target, readOnly }) => ({
      type,
      target,
      readOnly,
      ...(source ? { source } : {}),
    })),
    ports: service.ports.map(({ target, published, protocol }) => ({
      target,
      protocol,
      ...(published !== undefined ? { published } : {}),
    })),
    ...(service.healthcheck ? { healthcheck: service.healthcheck } : {}),
    dependsOn: service.dependsOn.map((d) => d.service),
    ...(waitPort ? { waitPort } : {}),
    ...(service.workingDir ? { workingDir: service.workingDir } : {}),
    ...(service.user ? { user: service.user } : {}),
  };
  return { plan };
}

function knownPort(image: string): number | undefined {
  const repo = image.replace(/^[^/]*[.:][^/]*\//, '').replace(/^library\//, '');
  return KNOWN_PORTS.find(([pattern]) => pattern.test(repo))?.[1];
}
