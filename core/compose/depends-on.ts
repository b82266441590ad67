import type { ComposeContext } from './context';
import { ComposeError } from './errors';
import { isMapping, parseBoolean } from './scalars';
import type { Path } from './source-map';
import type { ComposeService, DependencyCondition } from './types';

type Dependency = ComposeService['dependsOn'][number];

/** `depends_on:` as a list (each `service_started`) or a map of `{condition, required, restart}`. */
export function dependenciesOf(value: unknown, path: Path, context: ComposeContext): Dependency[] {
  if (Array.isArray(value)) {
    return value.map((service, i) => ({
      service: String(service),
      condition: 'service_started',
      required: true,
      at: context.valueAt([...path, i]),
    }));
  }
  if (!isMapping(value)) return [];
  return Object.entries(value).map(([service, options]) => {
    const entry = isMapping(options) ? options : {};
    const required = entry.required === undefined ? true : parseBoolean(entry.required);
    if (required === undefined) throw context.error([...path, service, 'required'], 'must be true or false');
    if (entry.restart !== undefined) context.ignored([...path, service, 'restart']);
    return {
      service,
      condition: String(entry.condition) as DependencyCondition,
      required,
      at: context.keyAt([...path, service]),
    };
  });
}

/**
 * Refuses what Compose refuses: a dependency on a service that does not exist, or that a profile
 * turned off (unless `required: false`: it is dropped with a warning), and dependency cycles.
 */
export function checkDependencies(
  services: ComposeService[],
  inactive: ReadonlyMap<string, string[]>,
  context: ComposeContext,
): void {
  const names = new Set(services.map((service) => service.name));
  for (const service of services) {
    service.dependsOn = service.dependsOn.filter((dependency) => {
      if (names.has(dependency.service)) return true;
      const profiles = inactive.get(dependency.service);
      if (profiles && !dependency.required) {
        context.warn(
          dependency.at,
          `"${dependency.service}" is not started: its profiles ${profiles.join(', ')} are not active`,
        );
        return false;
      }
      throw new ComposeError(
        dependency.at,
        profiles
          ? `service "${service.name}" depends on "${dependency.service}", which only runs with the profile ${profiles.join(' or ')} (set COMPOSE_PROFILES)`
          : `service "${service.name}" depends on undefined service "${dependency.service}"`,
      );
    });
  }
  findCycle(services);
}

function findCycle(services: ComposeService[]): void {
  const byName = new Map(services.map((service) => [service.name, service]));
  const done = new Set<string>();
  const visit = (service: ComposeService, trail: string[]): void => {
    if (done.has(service.name)) return;
    for (const dependency of service.dependsOn) {
      const loop = dependency.service === service.name ? trail.length : trail.indexOf(dependency.service);
      if (loop >= 0) {
        const cycle = [...trail.slice(loop), service.name, dependency.service];
        throw new ComposeError(dependency.at, `dependency cycle detected: ${cycle.join(' -> ')}`);
      }
      const next = byName.get(dependency.service);
      if (next) visit(next, [...trail, service.name]);
    }
    done.add(service.name);
  };
  for (const service of services) visit(service, []);
}
